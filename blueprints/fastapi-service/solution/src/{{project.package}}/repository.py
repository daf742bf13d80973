"""Where bookmarks are kept.

Routes depend on the ``BookmarkRepository`` protocol, not on a concrete class, so a
database-backed repository could replace the in-memory one without touching them.
Repositories speak the language of the domain: a missing bookmark is a
``BookmarkNotFound`` error, never an HTTP status.
"""

import threading
from datetime import datetime
from typing import Protocol

from .errors import BookmarkNotFound
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
        with self._lock:
            bookmark = Bookmark(
                id=self._next_id,
                url=data.url,
                title=data.title,
                tags=data.tags,
                created_at=now,
                updated_at=now,
            )
            self._bookmarks[bookmark.id] = bookmark
            self._next_id += 1
        return bookmark

    def get(self, bookmark_id: int) -> Bookmark:
        with self._lock:
            bookmark = self._bookmarks.get(bookmark_id)
        if bookmark is None:
            raise BookmarkNotFound(bookmark_id)
        return bookmark

    def find(
        self,
        *,
        tag: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Bookmark]:
        with self._lock:
            matching = self._matching(tag)
        stop = None if limit is None else offset + limit
        return matching[offset:stop]

    def count(self, *, tag: str | None = None) -> int:
        with self._lock:
            return len(self._matching(tag))

    def update(
        self,
        bookmark_id: int,
        changes: BookmarkUpdate,
        *,
        now: datetime,
    ) -> Bookmark:
        # exclude_unset: only the fields the client sent; exclude_none: a null
        # keeps the current value instead of erasing a required field.
        fields = changes.model_dump(exclude_unset=True, exclude_none=True)
        with self._lock:
            current = self._bookmarks.get(bookmark_id)
            if current is None:
                raise BookmarkNotFound(bookmark_id)
            updated = current.model_copy(update={**fields, "updated_at": now})
            self._bookmarks[bookmark_id] = updated
        return updated

    def delete(self, bookmark_id: int) -> None:
        with self._lock:
            if self._bookmarks.pop(bookmark_id, None) is None:
                raise BookmarkNotFound(bookmark_id)

    def _matching(self, tag: str | None) -> list[Bookmark]:
        """The bookmarks with ``tag`` (all if ``None``), in id order.

        The caller holds the lock. Ids only grow, so insertion order is id order.
        """
        bookmarks = self._bookmarks.values()
        if tag is None:
            return list(bookmarks)
        return [bookmark for bookmark in bookmarks if tag in bookmark.tags]
