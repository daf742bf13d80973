"""The route a request matched, as metrics, logs and traces name it."""

from fastapi import Request
from starlette.routing import Match

UNMATCHED = "unmatched"
"""The route label of a request no route matched (a 404 for an unknown path)."""


def route_of(request: Request) -> str | None:
    """The path template of the route ``request`` matched, such as ``/bookmarks/{bookmark_id}``.

    ``None`` when no route matches. The template, not the path: one label per route,
    however many bookmarks there are.
    """
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is Match.FULL:
            path: str | None = getattr(route, "path", None)
            return path
    return None
