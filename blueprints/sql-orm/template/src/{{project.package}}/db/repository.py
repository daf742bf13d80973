"""``SqlBookmarkRepository``: the bookmarks of one owner, in a relational database.

It offers what ``BookmarkRepository`` (``repository.py``) asks of a repository,
so the routes use it unchanged; it speaks the domain's language (``Bookmark``,
``BookmarkNotFound``), never SQLAlchemy's, to its callers.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine

from ..errors import BookmarkError
from ..models import Bookmark, BookmarkCreate, BookmarkUpdate


class ImportRejected(BookmarkError):
    """An import failed on one of its rows; nothing of it was stored."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(f"row {row} of the import was refused: {reason}")
        self.row = row


class SqlBookmarkRepository:
    """A ``BookmarkRepository`` on a SQLAlchemy engine.

    Each method opens its own ``Session`` and commits (or rolls back) before it
    returns: no session outlives a call, so two threads never share one. The
    bookmarks belong to the owner named ``owner`` (created when first needed).
    """

    def __init__(self, engine: Engine, *, owner: str = "default") -> None:
        self.engine = engine
        self.owner = owner

    def add(self, data: BookmarkCreate, *, now: datetime) -> Bookmark:
        raise NotImplementedError("task sql-repository")

    def get(self, bookmark_id: int) -> Bookmark:
        raise NotImplementedError("task sql-repository")

    def find(
        self,
        *,
        tag: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Bookmark]:
        raise NotImplementedError("task sql-repository")

    def count(self, *, tag: str | None = None) -> int:
        raise NotImplementedError("task sql-repository")

    def update(
        self,
        bookmark_id: int,
        changes: BookmarkUpdate,
        *,
        now: datetime,
    ) -> Bookmark:
        raise NotImplementedError("task sql-repository")

    def delete(self, bookmark_id: int) -> None:
        raise NotImplementedError("task sql-repository")

    def import_bookmarks(
        self, rows: Sequence[BookmarkCreate], *, now: datetime
    ) -> list[Bookmark]:
        """Store every row, or none of them: raise ``ImportRejected`` on a bad row."""
        raise NotImplementedError("task sql-unit-of-work")
