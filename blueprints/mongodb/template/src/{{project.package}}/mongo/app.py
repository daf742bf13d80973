"""The app on MongoDB: ``create_mongo_app``.

Run it with::

    uvicorn <package>.mongo.app:app
"""

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from pymongo import MongoClient
from pymongo.database import Database

from ..app import create_app
from .documents import Document
from .repository import DuplicateBookmark
from .settings import MongoSettings


def create_mongo_app(
    settings: MongoSettings | None = None,
    *,
    database: Database[Document] | None = None,
) -> FastAPI:
    """Build the app; with a database, its bookmarks live in MongoDB.

    The database is ``database`` if given (the tests give theirs), else the one
    ``settings.mongodb_url`` names, if set.

    Task mongo-repository: then replace the app's repository
    (``app.state.repository``) by a ``MongoBookmarkRepository`` on it.
    Task mongo-indexes: and create the indexes first.
    """
    settings = settings or MongoSettings()
    app = create_app(settings)
    if database is None and settings.mongodb_url is not None:
        client: MongoClient[Document] = MongoClient(settings.mongodb_url)
        database = client[settings.mongodb_database]

    @app.exception_handler(DuplicateBookmark)
    def duplicate(request: Request, error: DuplicateBookmark) -> JSONResponse:
        return JSONResponse(
            status_code=status.HTTP_409_CONFLICT, content={"detail": str(error)}
        )

    return app


app = create_mongo_app()
