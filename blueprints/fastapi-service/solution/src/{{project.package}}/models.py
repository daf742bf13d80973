"""The shapes of the data: what clients send and what the API returns.

``BookmarkCreate`` and ``BookmarkUpdate`` describe request bodies; ``Bookmark`` is a
stored bookmark as the API returns it. FastAPI validates requests against these
models and documents them in the OpenAPI schema.
"""

from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
)

MAX_TAGS = 10
MAX_TAG_LENGTH = 50

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
"""A title: surrounding whitespace removed, then 1 to 200 characters."""

Tag = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=1,
        max_length=MAX_TAG_LENGTH,
    ),
]
"""A tag: surrounding whitespace removed, lower-cased, then 1 to 50 characters."""


def normalise_tag(tag: str) -> str:
    """The canonical form of a tag, as ``Tag`` stores it."""
    return tag.strip().lower()


def drop_repeats(tags: tuple[str, ...]) -> tuple[str, ...]:
    """The tags in their order, each one only the first time it appears."""
    return tuple(dict.fromkeys(tags))


Tags = Annotated[
    tuple[Tag, ...],
    Field(max_length=MAX_TAGS),
    AfterValidator(drop_repeats),
]
"""At most 10 tags, normalised, repeats dropped."""


class BookmarkCreate(BaseModel):
    """The body of ``POST /bookmarks``."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    title: Title
    tags: Tags = ()


class BookmarkUpdate(BaseModel):
    """The body of ``PATCH /bookmarks/{bookmark_id}``: send only what changes.

    A field left out, or sent as ``null``, keeps its current value.
    """

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl | None = None
    title: Title | None = None
    tags: Tags | None = None


class Bookmark(BaseModel):
    """A stored bookmark, immutable: change one by storing a modified copy.

    ``frozen`` forbids assigning a field; ``tags`` is a tuple, so nothing inside
    can change either, and a ``Bookmark`` can be hashed.
    """

    model_config = ConfigDict(frozen=True)

    id: int
    url: HttpUrl
    title: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
