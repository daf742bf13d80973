"""The route a request matched, as metrics and logs name it, and a middleware's types."""

from collections.abc import Awaitable, Callable

from fastapi import Request, Response

CallNext = Callable[[Request], Awaitable[Response]]
"""What a middleware (``@app.middleware("http")``) calls to pass a request on."""

UNMATCHED = "unmatched"
"""The route label of a request no route matched (a 404 for an unknown path)."""


def route_of(request: Request) -> str | None:
    """The path template of the route ``request`` matched, such as ``/bookmarks/{bookmark_id}``.

    The template, not the path: one label per route, however many bookmarks there
    are. FastAPI notes the route in the request's scope as it routes the request, so
    ask once the app has handled it (after ``await call_next(request)``, or when it
    raised). ``None`` when no route matched, or before routing.
    """
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    return path if isinstance(path, str) else None
