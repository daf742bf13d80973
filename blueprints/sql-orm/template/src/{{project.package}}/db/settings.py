"""The settings of the app on a database."""

from ..settings import Settings


class DatabaseSettings(Settings):
    """The service's settings, plus where its database is.

    ``database_url`` is a SQLAlchemy URL (``sqlite:///bookmarks.sqlite3``, or
    ``postgresql+psycopg://...`` in production). Without one, the app keeps its
    bookmarks in memory, as before.
    """

    database_url: str | None = None

    def url_or_default(self) -> str:
        """The configured URL, or a SQLite file in the working directory."""
        return self.database_url or "sqlite:///bookmarks.sqlite3"
