"""Bookmarks cached in Redis, cache-aside.

``CachedBookmarkRepository`` wraps any ``BookmarkRepository`` and keeps the
bookmarks it reads in Redis for a while: a read looks in Redis first and only
asks the repository on a miss, then stores what it found there with a time to
live. Redis is shared by every process of the service, so one process's read
saves the others theirs.

Values are JSON under versioned keys (``bookmarks:v1:<id>``): the day the
``Bookmark`` model changes shape, raise ``CACHE_VERSION`` and the old entries are
simply never read again, then expire.
"""

from datetime import datetime

import redis

from .models import Bookmark, BookmarkCreate, BookmarkUpdate
from .repository import BookmarkRepository

CACHE_VERSION = 1
"""Raise it whenever the cached JSON changes shape."""

DEFAULT_TTL_SECONDS = 300
"""How long a cached bookmark lives, unless the repository is given another TTL."""


def bookmark_key(bookmark_id: int) -> str:
    """The Redis key of one cached bookmark, for example ``bookmarks:v1:42``."""
    return f"bookmarks:v{CACHE_VERSION}:{bookmark_id}"


class CachedBookmarkRepository:
    """A ``BookmarkRepository`` that caches ``get`` in Redis, in front of another.

    ``inner`` is the repository that holds the data; ``client`` a Redis client
    whose replies are decoded to ``str`` (``decode_responses=True``).
    """

    def __init__(
        self,
        inner: BookmarkRepository,
        client: redis.Redis,
        *,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
    ) -> None:
        self._inner = inner
        self._redis = client
        self._ttl_seconds = ttl_seconds

    def add(self, data: BookmarkCreate, *, now: datetime) -> Bookmark:
        return self._inner.add(data, now=now)

    def get(self, bookmark_id: int) -> Bookmark:
        raise NotImplementedError("redis-cache-aside: serve get() from Redis first")

    def find(
        self,
        *,
        tag: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Bookmark]:
        return self._inner.find(tag=tag, offset=offset, limit=limit)

    def count(self, *, tag: str | None = None) -> int:
        return self._inner.count(tag=tag)

    def update(
        self,
        bookmark_id: int,
        changes: BookmarkUpdate,
        *,
        now: datetime,
    ) -> Bookmark:
        return self._inner.update(bookmark_id, changes, now=now)

    def delete(self, bookmark_id: int) -> None:
        self._inner.delete(bookmark_id)
