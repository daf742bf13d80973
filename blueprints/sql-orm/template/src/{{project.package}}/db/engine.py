"""The engine: one per database URL, shared by every session of an app.

SQLite enforces foreign keys (and so ``ON DELETE CASCADE``) only on connections
that ask for it: ``make_engine`` asks on every connection it opens.
"""

import sqlite3

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry


def _enforce_foreign_keys(
    dbapi_connection: sqlite3.Connection, connection_record: ConnectionPoolEntry
) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; on SQLite, every connection enforces foreign keys."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enforce_foreign_keys)
    return engine
