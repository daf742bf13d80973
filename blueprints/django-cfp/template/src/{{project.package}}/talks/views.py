"""The talks app's pages."""

from typing import Any

from django.views.generic import TemplateView

from .models import Track


class HomeView(TemplateView):
    """The home page: what the conference is, and its tracks."""

    template_name = "talks/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tracks"] = Track.objects.all()
        return context
