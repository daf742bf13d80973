"""What PostgreSQL does that SQLite does not: its types, JSONB, partial indexes, RETURNING.

``bookmark_snapshots`` keeps what the service learnt about a page when it last
fetched it: its URL, a JSON document of details (``{"lang": "en", "feeds":
[...]}``), whether the snapshot is archived, and when it was taken. It has a
metadata of its own (``PgBase``), created with ``PgBase.metadata.create_all``:
the sql-orm migrations and their drift check do not see it.

Tasks pg-types, pg-jsonb, pg-partial-index and pg-returning: see TASKS.md.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, Engine, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class PgBase(DeclarativeBase):
    """The base of the PostgreSQL-only models, with a metadata of its own."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class BookmarkSnapshot(PgBase):
    """What a fetch of a bookmarked page found."""

    __tablename__ = "bookmark_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    details: Mapped[dict[str, object]] = mapped_column(JSON)
    archived: Mapped[bool] = mapped_column(default=False)
    taken_at: Mapped[datetime] = mapped_column(DateTime)


def snapshots_containing(engine: Engine, fragment: dict[str, object]) -> list[int]:
    """The ids of the snapshots whose details contain ``fragment``, in id order."""
    raise NotImplementedError("pg-jsonb: find the snapshots whose details contain it")


def recent_active(engine: Engine, limit: int) -> list[int]:
    """The ids of the ``limit`` newest snapshots that are not archived, newest first."""
    raise NotImplementedError("pg-partial-index: list the newest active snapshots")


def ensure_tags(engine: Engine, names: list[str]) -> dict[str, int]:
    """The id of each tag of ``names`` in ``tags``, creating those missing."""
    raise NotImplementedError("pg-returning: get or create the tags in one statement")
