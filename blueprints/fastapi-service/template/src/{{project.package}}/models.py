"""The shapes of the data: what clients send and what the API returns.

``BookmarkCreate`` and ``BookmarkUpdate`` describe request bodies; ``Bookmark`` is a
stored bookmark as the API returns it. FastAPI validates requests against these
models and documents them in the OpenAPI schema.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class BookmarkCreate(BaseModel):
    """The body of ``POST /bookmarks``.

    Task 3 (validate-input) turns these loose fields into real rules.
    """

    url: str
    title: str
    tags: list[str] = Field(default_factory=list)


class BookmarkUpdate(BaseModel):
    """The body of ``PATCH /bookmarks/{bookmark_id}``: send only what changes."""

    url: str | None = None
    title: str | None = None
    tags: list[str] | None = None


class Bookmark(BaseModel):
    """A stored bookmark. Frozen: change one by storing a modified copy."""

    model_config = ConfigDict(frozen=True)

    id: int
    url: str
    title: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
