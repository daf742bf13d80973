"""The talks app in Django's admin site."""

from django.contrib import admin

from .models import Track


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin[Track]):
    """Tracks, their slug written from the name as it is typed."""

    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
