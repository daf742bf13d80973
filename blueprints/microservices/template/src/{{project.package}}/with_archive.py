"""The bookmarks service with its archive route, as production serves it.

``create_app`` builds the bookmarks API alone; this module adds the router of
``routers/archive.py``, which calls the archive service. Serve it with
``uvicorn <package>.with_archive:app`` (the compose file does).
"""

from fastapi import FastAPI

from .app import create_app
from .routers import archive
from .settings import Settings


def create_app_with_archive(settings: Settings | None = None) -> FastAPI:
    """``create_app``, plus ``POST /bookmarks/{bookmark_id}/archive``."""
    app = create_app(settings)
    app.include_router(archive.router)
    return app


app = create_app_with_archive()
