"""OpenTelemetry traces: the provider the service exports spans with, and spans of its own.

FastAPI traces every request by itself once a tracer provider is set
(``opentelemetry.trace.set_tracer_provider``, once, when the process starts): a
server span named after the route, continued from the caller's W3C
``traceparent`` header, with spans for the dependencies, the endpoint and the
serialisation inside it. What FastAPI cannot know is what the endpoint does:
the spans of the repository's calls are ours to make.
"""

from datetime import datetime

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.trace import Tracer

from ..models import Bookmark, BookmarkCreate, BookmarkUpdate
from ..repository import BookmarkRepository


def configure_tracing(
    service_name: str,
    service_version: str,
    exporter: SpanExporter,
    *,
    sample_ratio: float = 1.0,
) -> TracerProvider:
    """A tracer provider that exports this service's spans through ``exporter``.

    Task obs-traces.
    """
    raise NotImplementedError("obs-traces: a provider for this service")


class TracedRepository:
    """A ``BookmarkRepository`` that traces each call of the one it wraps.

    Task obs-traces.
    """

    def __init__(self, inner: BookmarkRepository, tracer: Tracer) -> None:
        self._inner = inner
        self._tracer = tracer

    def add(self, data: BookmarkCreate, *, now: datetime) -> Bookmark:
        raise NotImplementedError("obs-traces: trace add")

    def get(self, bookmark_id: int) -> Bookmark:
        raise NotImplementedError("obs-traces: trace get")

    def find(
        self, *, tag: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Bookmark]:
        raise NotImplementedError("obs-traces: trace find")

    def count(self, *, tag: str | None = None) -> int:
        raise NotImplementedError("obs-traces: trace count")

    def update(
        self, bookmark_id: int, changes: BookmarkUpdate, *, now: datetime
    ) -> Bookmark:
        raise NotImplementedError("obs-traces: trace update")

    def delete(self, bookmark_id: int) -> None:
        raise NotImplementedError("obs-traces: trace delete")
