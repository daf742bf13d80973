"""The dependencies routes ask for, and their annotated shortcuts.

A route declares what it needs as a parameter, for example
``repository: RepositoryDep``, and FastAPI calls the provider (``get_repository``)
for each request. Tests replace a provider with ``app.dependency_overrides``
without touching the routes.
"""

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader

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

    One per app, created by ``create_app``: every request of an app sees the same
    bookmarks, and two apps (two tests) never share any.
    """
    repository: BookmarkRepository = request.app.state.repository
    return repository


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def get_clock() -> Clock:
    """The clock used to stamp ``created_at`` and ``updated_at``."""
    return utc_now


SettingsDep = Annotated[Settings, Depends(get_settings)]
RepositoryDep = Annotated[BookmarkRepository, Depends(get_repository)]
ClockDep = Annotated[Clock, Depends(get_clock)]

api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="The key configured on the server; needed to change data.",
    auto_error=False,
)


def require_api_key(
    settings: SettingsDep,
    api_key: Annotated[str | None, Security(api_key_header)],
) -> None:
    """Refuse the request with 401 unless it carries the configured API key."""
    expected = settings.api_key
    # compare_digest takes as long for a near miss as for a wild guess, so the
    # response time tells an attacker nothing about how much of a key is right.
    if (
        expected is None
        or api_key is None
        or not secrets.compare_digest(
            api_key.encode(),
            expected.get_secret_value().encode(),
        )
    ):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Missing or invalid API key",
            headers={"WWW-Authenticate": "APIKey"},
        )
