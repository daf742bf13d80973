"""The view that answers GraphQL requests: Strawberry's, with our context."""

from django.http import HttpRequest, HttpResponse
from strawberry.django.views import AsyncGraphQLView

from .context import Context


class GraphQLView(AsyncGraphQLView[Context, None]):
    """An async view: resolvers can await the ORM's async API and DataLoaders.

    Django's CSRF middleware guards it like every other view that takes a POST.
    """

    async def get_context(
        self, request: HttpRequest, response: HttpResponse
    ) -> Context:
        return Context(request=request, response=response)
