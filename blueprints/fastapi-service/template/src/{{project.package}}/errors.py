"""Domain errors, and the handlers that turn them into HTTP responses.

The repository knows nothing about HTTP: it raises ``BookmarkNotFound``. The
handlers installed on the app translate that into a 404, once, for every route.
"""

from fastapi import FastAPI


class BookmarkError(Exception):
    """Base class of the errors of this service's domain."""


class BookmarkNotFound(BookmarkError):
    """No bookmark has the requested id."""

    def __init__(self, bookmark_id: int) -> None:
        super().__init__(f"Bookmark {bookmark_id} not found")
        self.bookmark_id = bookmark_id


def install_error_handlers(app: FastAPI) -> None:
    """Register the exception handlers of the domain errors on ``app``.

    Task 4 (update-and-delete): map ``BookmarkNotFound`` to a 404 response whose
    JSON body is ``{"detail": str(error)}``.
    """
