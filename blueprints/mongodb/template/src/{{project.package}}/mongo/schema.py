"""The collections, the shape of their documents, and their indexes.

A bookmark is one document of ``bookmarks``: its tags are embedded in it (they
are read with it, every time, and few), its owner is referenced by name. Visits
grow without bound, so they live in a collection of their own, ``visits``,
each one referencing its bookmark by id.
"""

from pymongo.database import Database

from .documents import Document

BOOKMARKS = "bookmarks"
"""The collection of bookmarks, one document each, ``_id`` the bookmark's id."""

VISITS = "visits"
"""The collection of visits, one document per visit."""

COUNTERS = "counters"
"""Sequences: the document ``{"_id": "bookmarks", "seq": n}`` numbers bookmarks."""

BOOKMARK_VALIDATOR: Document = {}
"""The ``$jsonSchema`` validator of a bookmark document.

Task mongo-schema: ``{"$jsonSchema": {...}}``, see TASKS.md.
"""

VISIT_VALIDATOR: Document = {}
"""The ``$jsonSchema`` validator of a visit document (task mongo-schema)."""


def create_collections(db: Database[Document]) -> None:
    """Create ``bookmarks`` and ``visits``, each with its validator.

    Task mongo-schema.
    """
    raise NotImplementedError("mongo-schema: create the collections with validators")


def create_indexes(db: Database[Document]) -> None:
    """Create the indexes the repository relies on.

    Task mongo-indexes.
    """
    raise NotImplementedError("mongo-indexes: create the indexes")
