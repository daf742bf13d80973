"""The site's addresses: the admin, then the talks app."""

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path

from .talks import urls as talks_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include(talks_urls)),
]

# The GraphQL API, in a project that has it (`skillforge add graphql`): its package
# brings its own URLs, so this file stays the same with it or without it.
if find_spec(f"{__package__}.talks.graphql_api") is not None:
    urlpatterns.append(path("", include(f"{__package__}.talks.graphql_api.urls")))
