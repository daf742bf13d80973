"""The contract between the bookmarks service (the consumer) and the archive
service (the provider): the shapes of the requests and answers of
``POST /archives`` and ``GET /archives/{archive_id}``.

Both sides import these models, and the tests check both sides against them:
the archive service must answer with them, the bookmarks service's client must
send them and read them. Change a field here and both sides' tests tell you
what broke.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

IDEMPOTENCY_HEADER = "Idempotency-Key"
"""The header that makes ``POST /archives`` safe to retry.

The client makes one key per archive it wants, and sends the same key again on
every retry of that request; the service creates one archive per key. The name
and the rule come from the IETF draft "The Idempotency-Key HTTP Header Field".
"""

ArchiveStatus = Literal["queued", "done", "failed"]
"""``queued`` until the worker has finished; then ``done`` or ``failed``."""


class ArchiveRequest(BaseModel):
    """The body of ``POST /archives``: which bookmark, and its URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bookmark_id: int = Field(ge=1)
    url: HttpUrl


class Archive(BaseModel):
    """An archive, as ``POST /archives`` and ``GET /archives/{archive_id}`` answer it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(ge=1)
    bookmark_id: int = Field(ge=1)
    url: str
    status: ArchiveStatus
    attempts: int = Field(default=0, ge=0)
    """How many times the worker has fetched the page so far."""
    http_status: int | None = None
    """The status of the last answer the page gave, if it gave one."""
    title: str | None = None
    """The page's ``<title>``, once ``done``."""
    error: str | None = None
    """Why the archive ``failed``."""
