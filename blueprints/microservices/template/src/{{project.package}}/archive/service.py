"""The archive service's HTTP API.

``create_archive_app`` builds an app around a store and a queue, both given to
it, so the tests can give their own. Task archive-service writes its routes.
"""

from typing import Protocol

from fastapi import APIRouter, FastAPI, Request

from .store import ArchiveStore


class QueueUnavailable(Exception):
    """The job could not be put on the queue (the broker is down)."""


class ArchiveQueue(Protocol):
    """Where the service puts jobs for the worker."""

    def enqueue(self, archive_id: int) -> None:
        """Queue the archiving of this archive; raises ``QueueUnavailable``."""
        ...


router = APIRouter()


def get_store(request: Request) -> ArchiveStore:
    """The store of the app serving ``request``."""
    store: ArchiveStore = request.app.state.store
    return store


def get_queue(request: Request) -> ArchiveQueue:
    """The queue of the app serving ``request``."""
    queue: ArchiveQueue = request.app.state.queue
    return queue


@router.get("/health")
def health() -> dict[str, str]:
    """Answer ``{"status": "ok"}`` while the service is up."""
    return {"status": "ok"}


def create_archive_app(store: ArchiveStore, queue: ArchiveQueue) -> FastAPI:
    """A new archive service that keeps archives in ``store`` and queues jobs on ``queue``."""
    app = FastAPI(
        title="Archive service",
        summary="Keeps a copy of what bookmarked pages said.",
        version="0.1.0",
    )
    app.state.store = store
    app.state.queue = queue
    app.include_router(router)
    return app
