"""The GraphQL schema: its types, queries and mutations (tasks graphql-*)."""

import strawberry
from strawberry.types import Info

from .context import Context

ContextInfo = Info[Context, None]


@strawberry.type
class Query:
    """What clients can read."""

    @strawberry.field
    def conference(self) -> str:
        return "PyCon Lakeside"


def build_schema(*, debug: bool) -> strawberry.Schema:
    """The schema the site serves; ``debug`` is ``settings.DEBUG``."""
    return strawberry.Schema(query=Query)
