"""The application factory.

``create_app`` builds a fresh, independent app from a ``Settings`` object, which is
what the tests do for every test. The module-level ``app`` is the one a server such
as uvicorn imports (``uvicorn <package>.app:app``).
"""

from fastapi import FastAPI

from .errors import install_error_handlers
from .repository import InMemoryBookmarkRepository
from .routers import bookmarks, health
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. Without ``settings``, read them from the environment."""
    settings = settings or Settings()
    app = FastAPI(
        title=settings.app_name,
        summary="Save, tag and find the links worth keeping.",
        version="0.1.0",
    )
    # Dependencies find app-wide objects on app.state: see dependencies.py.
    app.state.settings = settings
    app.state.repository = InMemoryBookmarkRepository()
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(bookmarks.router)
    return app


app = create_app()
