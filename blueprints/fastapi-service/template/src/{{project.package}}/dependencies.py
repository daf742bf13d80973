"""The dependencies routes ask for, and their annotated shortcuts.

A route declares what it needs as a parameter, for example
``repository: RepositoryDep``, and FastAPI calls the provider (``get_repository``)
for each request. Tests replace a provider with ``app.dependency_overrides``
without touching the routes.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from .repository import BookmarkRepository
from .settings import Settings

Clock = Callable[[], datetime]
"""A function returning the current time, timezone-aware."""


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (see ``create_app``)."""
    settings: Settings = request.app.state.settings
    return settings


def get_repository(request: Request) -> BookmarkRepository:
    """The repository of the app handling ``request``.

    Task 6 (inject-dependencies). Until then the tests provide their own.
    """
    raise NotImplementedError("task 6 (inject-dependencies)")


def get_clock() -> Clock:
    """The clock used to stamp ``created_at`` and ``updated_at``.

    Task 6 (inject-dependencies). Until then the tests provide their own.
    """
    raise NotImplementedError("task 6 (inject-dependencies)")


SettingsDep = Annotated[Settings, Depends(get_settings)]
RepositoryDep = Annotated[BookmarkRepository, Depends(get_repository)]
ClockDep = Annotated[Clock, Depends(get_clock)]
