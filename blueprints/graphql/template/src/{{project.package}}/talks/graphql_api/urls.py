"""``/graphql/``: the API, and GraphiQL, the in-browser IDE, in development only."""

from django.conf import settings
from django.urls import path

from .schema import build_schema
from .views import GraphQLView

urlpatterns = [
    path(
        "graphql/",
        GraphQLView.as_view(
            schema=build_schema(debug=settings.DEBUG),
            graphql_ide="graphiql" if settings.DEBUG else None,
        ),
        name="graphql",
    ),
]
