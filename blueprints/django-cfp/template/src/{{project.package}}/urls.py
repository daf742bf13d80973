"""The site's addresses: the admin, then the talks app."""

from django.contrib import admin
from django.urls import include, path

from .talks import urls as talks_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include(talks_urls)),
]
