"""Where bookmarks are kept.

Routes depend on the ``BookmarkRepository`` protocol, not on a concrete class, so a
database-backed repository could replace the in-memory one without touching them.
Repositories speak the language of the domain: a missing bookmark is a
``BookmarkNotFound`` error, never an HTTP status.
"""

import threading
from datetime import datetime
from typing import Protocol

from .models import Bookmark, BookmarkCreate, BookmarkUpdate


class BookmarkRepository(Protocol):
    """What the routes need from a store of bookmarks."""

    def add(self, data: BookmarkCreate, *, now: datetime) -> Bookmark:
        """Store a new bookmark created at ``now`` and return it with its new id."""

    def get(self, bookmark_id: int) -> Bookmark:
        """Return one bookmark; raise ``BookmarkNotFound`` if there is none."""

    def find(
        self,
        *,
        tag: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Bookmark]:
        """Return a page of bookmarks in id order.

        Only bookmarks with ``tag`` if it is given; the first ``offset`` are
        skipped and at most ``limit`` are returned (all of them if ``None``).
        """

    def count(self, *, tag: str | None = None) -> int:
        """Count the bookmarks (only those with ``tag`` if it is given)."""

    def update(
        self,
        bookmark_id: int,
        changes: BookmarkUpdate,
        *,
        now: datetime,
    ) -> Bookmark:
        """Apply the fields set in ``changes``; raise ``BookmarkNotFound``."""

    def delete(self, bookmark_id: int) -> None:
        """Remove one bookmark; raise ``BookmarkNotFound`` if there is none."""


class InMemoryBookmarkRepository:
    """A ``BookmarkRepository`` that keeps bookmarks in a dict.

    FastAPI runs plain ``def`` routes in a thread pool, so two requests can call
    these methods at the same time: every read or write of the shared state must
    hold ``self._lock``. Ids start at 1 and are never reused.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bookmarks: dict[int, Bookmark] = {}
        self._next_id = 1

    def add(self, data: BookmarkCreate, *, now: datetime) -> Bookmark:
        raise NotImplementedError("task 1 (list-bookmarks)")

    def get(self, bookmark_id: int) -> Bookmark:
        raise NotImplementedError("task 2 (create-and-fetch)")

    def find(
        self,
        *,
        tag: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Bookmark]:
        raise NotImplementedError("task 1 (list-bookmarks), then task 5")

    def count(self, *, tag: str | None = None) -> int:
        raise NotImplementedError("task 5 (paginate-and-filter)")

    def update(
        self,
        bookmark_id: int,
        changes: BookmarkUpdate,
        *,
        now: datetime,
    ) -> Bookmark:
        raise NotImplementedError("task 4 (update-and-delete)")

    def delete(self, bookmark_id: int) -> None:
        raise NotImplementedError("task 4 (update-and-delete)")
