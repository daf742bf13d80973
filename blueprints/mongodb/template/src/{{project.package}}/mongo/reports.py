"""Reports computed by MongoDB's aggregation pipeline, on the server."""

from dataclasses import dataclass

from pymongo.database import Database

from .documents import Document


@dataclass(frozen=True)
class TagCount:
    """How many of the owner's bookmarks carry ``tag``."""

    tag: str
    bookmarks: int


@dataclass(frozen=True)
class TopBookmark:
    """A bookmark and its number of visits."""

    bookmark_id: int
    title: str
    visits: int


def tag_counts(db: Database[Document], owner: str) -> list[TagCount]:
    """The owner's tags, most used first, ties by tag name.

    Task mongo-aggregation.
    """
    raise NotImplementedError("mongo-aggregation: $unwind and $group the tags")


def top_visited(db: Database[Document], owner: str, count: int) -> list[TopBookmark]:
    """The owner's ``count`` most visited bookmarks, from the ``visits`` collection.

    Task mongo-aggregation.
    """
    raise NotImplementedError("mongo-aggregation: $group the visits and $lookup")
