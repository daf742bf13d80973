"""Where the archive service and its worker keep archives: one SQLite file.

In compose the service and the worker are separate containers that share the
file through a volume. SQLite is enough for one host; a real deployment would
point both at PostgreSQL.
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .contract import Archive, ArchiveRequest, ArchiveStatus

_SCHEMA = """
CREATE TABLE IF NOT EXISTS archive (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    bookmark_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    http_status INTEGER,
    title TEXT,
    error TEXT
)
"""

_COLUMNS = "id, bookmark_id, url, status, attempts, http_status, title, error"


class ArchiveNotFound(LookupError):
    """No archive has this id."""

    def __init__(self, archive_id: int) -> None:
        super().__init__(f"Archive {archive_id} not found")
        self.archive_id = archive_id


class ArchiveStore:
    """Archives in an SQLite file, safe to share between threads and processes.

    Every method opens its own short transaction, so the service and the worker
    can use one file at once.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as connection:
            connection.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = sqlite3.connect(self.path, timeout=10)
            try:
                with connection:
                    yield connection
            finally:
                connection.close()

    def create(
        self, request: ArchiveRequest, idempotency_key: str
    ) -> tuple[Archive, bool]:
        """The archive for ``idempotency_key``, and whether this call created it.

        The first call with a key stores a new ``queued`` archive; later calls
        with the same key return that archive, whatever their ``request``.
        """
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO archive (idempotency_key, bookmark_id, url) VALUES (?, ?, ?)"
                " ON CONFLICT (idempotency_key) DO NOTHING",
                (idempotency_key, request.bookmark_id, str(request.url)),
            )
            created = cursor.rowcount == 1
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM archive WHERE idempotency_key = ?",
                (idempotency_key,),
            ).fetchone()
        return _archive(row), created

    def get(self, archive_id: int) -> Archive:
        """The archive with this id; raises ``ArchiveNotFound``."""
        with self._connect() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM archive WHERE id = ?", (archive_id,)
            ).fetchone()
        if row is None:
            raise ArchiveNotFound(archive_id)
        return _archive(row)

    def all(self) -> list[Archive]:
        """Every archive, by id."""
        with self._connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM archive ORDER BY id"
            ).fetchall()
        return [_archive(row) for row in rows]

    def delete(self, archive_id: int) -> None:
        """Forget an archive (and its key); raises ``ArchiveNotFound``."""
        with self._connect() as connection:
            cursor = connection.execute(
                "DELETE FROM archive WHERE id = ?", (archive_id,)
            )
        if cursor.rowcount == 0:
            raise ArchiveNotFound(archive_id)

    def start_attempt(self, archive_id: int) -> Archive:
        """Count one more fetch of the archive's page and return the archive."""
        with self._connect() as connection:
            connection.execute(
                "UPDATE archive SET attempts = attempts + 1 WHERE id = ?", (archive_id,)
            )
        return self.get(archive_id)

    def finish(
        self,
        archive_id: int,
        status: ArchiveStatus,
        *,
        http_status: int | None = None,
        title: str | None = None,
        error: str | None = None,
    ) -> Archive:
        """Record the outcome of the last attempt and return the archive."""
        with self._connect() as connection:
            cursor = connection.execute(
                "UPDATE archive SET status = ?, http_status = ?, title = ?, error = ?"
                " WHERE id = ?",
                (status, http_status, title, error, archive_id),
            )
        if cursor.rowcount == 0:
            raise ArchiveNotFound(archive_id)
        return self.get(archive_id)


def _archive(row: tuple[object, ...]) -> Archive:
    return Archive.model_validate(dict(zip(_COLUMNS.split(", "), row, strict=True)))
