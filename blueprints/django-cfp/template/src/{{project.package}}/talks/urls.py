"""The talks app's addresses, in the namespace ``talks``."""

from django.urls import path

from . import views

app_name = "talks"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]
