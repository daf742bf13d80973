"""The app on a database: ``create_sql_app`` and the database settings.

Run it (after ``alembic upgrade head``) with::

    uvicorn <package>.db.app:app
"""

from fastapi import FastAPI

from ..app import create_app
from .settings import DatabaseSettings


def create_sql_app(settings: DatabaseSettings | None = None) -> FastAPI:
    """Build the app; with a ``database_url``, its bookmarks live in that database.

    Task sql-repository: when ``settings.database_url`` is set, replace the app's
    repository (``app.state.repository``) by a ``SqlBookmarkRepository`` on an
    engine made by ``make_engine``.
    """
    settings = settings or DatabaseSettings()
    return create_app(settings)


app = create_sql_app()
