"""``MongoBookmarkRepository``: the bookmarks of one owner, in MongoDB documents.

A bookmark document::

    {"_id": 7, "owner": "alice", "url": "...", "title": "...",
     "tags": ["python", "web"], "visit_count": 0,
     "created_at": datetime(...), "updated_at": datetime(...)}

``_id`` is the bookmark's id, an integer from the ``counters`` sequence (the API
speaks of bookmark 7, not of an ObjectId).
"""

from datetime import datetime

from pymongo.database import Database

from ..errors import BookmarkError
from ..models import Bookmark, BookmarkCreate, BookmarkUpdate
from .documents import Document, as_datetime, as_int, as_str
from .schema import BOOKMARKS, COUNTERS, VISITS


class DuplicateBookmark(BookmarkError):
    """The owner already has a bookmark with this URL."""

    def __init__(self, url: str) -> None:
        super().__init__(f"A bookmark of {url} exists already")
        self.url = url


def bookmark_from_document(document: Document) -> Bookmark:
    """The API's ``Bookmark`` of a stored document."""
    tags = document["tags"]
    if not isinstance(tags, list):
        raise TypeError(f"expected the tags as an array, got {tags!r}")
    return Bookmark.model_validate(
        {
            "id": as_int(document["_id"]),
            "url": as_str(document["url"]),
            "title": as_str(document["title"]),
            "tags": tuple(as_str(tag) for tag in tags),
            "created_at": as_datetime(document["created_at"]),
            "updated_at": as_datetime(document["updated_at"]),
        }
    )


class MongoBookmarkRepository:
    """A ``BookmarkRepository`` on a MongoDB database, for one ``owner``."""

    def __init__(self, db: Database[Document], *, owner: str = "default") -> None:
        self.db = db
        self.owner = owner
        self._bookmarks = db[BOOKMARKS]
        self._visits = db[VISITS]
        self._counters = db[COUNTERS]

    def add(self, data: BookmarkCreate, *, now: datetime) -> Bookmark:
        raise NotImplementedError("mongo-repository: insert a bookmark document")

    def get(self, bookmark_id: int) -> Bookmark:
        raise NotImplementedError("mongo-repository: find one bookmark")

    def find(
        self,
        *,
        tag: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Bookmark]:
        raise NotImplementedError("mongo-repository: a page of bookmarks")

    def count(self, *, tag: str | None = None) -> int:
        raise NotImplementedError("mongo-repository: count the bookmarks")

    def update(
        self,
        bookmark_id: int,
        changes: BookmarkUpdate,
        *,
        now: datetime,
    ) -> Bookmark:
        raise NotImplementedError("mongo-repository: update a bookmark")

    def delete(self, bookmark_id: int) -> None:
        raise NotImplementedError("mongo-repository: delete a bookmark")

    # Task mongo-atomic-updates: each of these is one atomic update on the server.

    def add_tag(self, bookmark_id: int, tag: str) -> Bookmark:
        """Add ``tag`` to the bookmark's tags unless it has it; return the bookmark."""
        raise NotImplementedError("mongo-atomic-updates: $addToSet a tag")

    def remove_tag(self, bookmark_id: int, tag: str) -> Bookmark:
        """Remove ``tag`` from the bookmark's tags; return the bookmark."""
        raise NotImplementedError("mongo-atomic-updates: $pull a tag")

    def record_visit(self, bookmark_id: int, *, at: datetime) -> int:
        """Store one visit of the bookmark at ``at``; return its visits so far."""
        raise NotImplementedError("mongo-atomic-updates: $inc the visit count")
