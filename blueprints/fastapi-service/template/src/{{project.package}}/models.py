"""The shapes of the data: what clients send and what the API returns.

``BookmarkCreate`` and ``BookmarkUpdate`` describe request bodies; ``Bookmark`` is a
stored bookmark as the API returns it. FastAPI validates requests against these
models and documents them in the OpenAPI schema.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class BookmarkCreate(BaseModel):
    """The body of ``POST /bookmarks``.

    Task 3 (validate-input) turns these loose fields into real rules.
    """

    url: str
    title: str
    tags: tuple[str, ...] = ()


class BookmarkUpdate(BaseModel):
    """The body of ``PATCH /bookmarks/{bookmark_id}``: send only what changes."""

    url: str | None = None
    title: str | None = None
    tags: tuple[str, ...] | None = None


class Bookmark(BaseModel):
    """A stored bookmark, immutable: change one by storing a modified copy.

    ``frozen`` forbids assigning a field; ``tags`` is a tuple, so nothing inside
    can change either, and a ``Bookmark`` can be hashed.
    """

    model_config = ConfigDict(frozen=True)

    id: int
    url: str
    title: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
