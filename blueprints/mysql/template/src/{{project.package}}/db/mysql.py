"""What MySQL does its own way: utf8mb4, DATETIME(6), upserts, FULLTEXT, covering indexes.

``page_texts`` keeps the text the service fetched from a bookmarked page: its
URL, its title, its body, how many times it was fetched and when last. It has a
metadata of its own (``MyBase``), created with ``MyBase.metadata.create_all``:
the sql-orm migrations and their drift check do not see it.

Tasks mysql-types, mysql-upsert, mysql-fulltext and mysql-covering-index: see
TASKS.md.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Engine, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class MyBase(DeclarativeBase):
    """The base of the MySQL-only models, with a metadata of its own."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PageText(MyBase):
    """The text of a bookmarked page, as last fetched."""

    __tablename__ = "page_texts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    fetches: Mapped[int] = mapped_column(Integer, default=1)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class Fetch:
    """What one fetch of a page found (``fetched_at`` naive, in UTC)."""

    url: str
    title: str
    body: str
    fetched_at: datetime


def record_fetches(engine: Engine, fetches: Sequence[Fetch]) -> None:
    """Store each fetch: a new URL's page is added, a known one's updated and counted."""
    raise NotImplementedError("mysql-upsert: add or update the pages in one statement")


def search_pages(engine: Engine, query: str) -> list[int]:
    """The ids of the pages whose title or body match ``query`` (boolean mode), in id order."""
    raise NotImplementedError("mysql-fulltext: search the pages with MATCH ... AGAINST")


def fetched_since(engine: Engine, since: datetime) -> list[str]:
    """The URLs of the pages fetched at or after ``since``, oldest first, then by URL."""
    raise NotImplementedError("mysql-covering-index: list them from a covering index")
