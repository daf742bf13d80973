"""The shapes of the data: what clients send and what the API returns.

``BookmarkCreate`` and ``BookmarkUpdate`` describe request bodies; ``Bookmark`` is a
stored bookmark as the API returns it. FastAPI validates requests against these
models and documents them in the OpenAPI schema.
"""

from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
)

MAX_TAGS = 10

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
"""A title: surrounding whitespace removed, then 1 to 200 characters."""


def normalise_tag(tag: str) -> str:
    """The canonical form of a tag: no surrounding whitespace, lower case."""
    return tag.strip().lower()


def normalise_tags(tags: list[str]) -> list[str]:
    """Normalise every tag and drop repeats, keeping the first occurrence."""
    normalised = [normalise_tag(tag) for tag in tags]
    if "" in normalised:
        raise ValueError("tags must not be blank")
    return list(dict.fromkeys(normalised))


class BookmarkCreate(BaseModel):
    """The body of ``POST /bookmarks``."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    title: Title
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)

    @field_validator("tags")
    @classmethod
    def _normalise_tags(cls, tags: list[str]) -> list[str]:
        return normalise_tags(tags)


class BookmarkUpdate(BaseModel):
    """The body of ``PATCH /bookmarks/{bookmark_id}``: send only what changes.

    A field left out, or sent as ``null``, keeps its current value.
    """

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl | None = None
    title: Title | None = None
    tags: list[str] | None = Field(default=None, max_length=MAX_TAGS)

    @field_validator("tags")
    @classmethod
    def _normalise_tags(cls, tags: list[str] | None) -> list[str] | None:
        return None if tags is None else normalise_tags(tags)


class Bookmark(BaseModel):
    """A stored bookmark. Frozen: change one by storing a modified copy."""

    model_config = ConfigDict(frozen=True)

    id: int
    url: HttpUrl
    title: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
