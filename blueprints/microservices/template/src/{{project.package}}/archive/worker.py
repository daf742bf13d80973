"""The archive worker: a Celery app and the task that fetches a page.

Start a worker with ``celery -A <package>.archive.worker worker``. It takes
jobs that the archive service queued, fetches each page with httpx2 and records
the outcome in the store. Task archive-worker writes ``archive_page``.
"""

from html.parser import HTMLParser

from celery import Celery, Task
from celery.exceptions import OperationalError

from .service import QueueUnavailable
from .settings import ArchiveSettings
from .store import ArchiveStore

settings = ArchiveSettings()
"""The settings the worker runs with; ``configure`` replaces them."""

celery_app = Celery("archive", broker=settings.broker_url)
celery_app.conf.update(
    # A job is acknowledged once it has run, not when it is received: a worker
    # that dies half-way leaves the job on the queue for another worker.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # The worker records outcomes in the store; nothing reads Celery's results.
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
)

_stores: dict[str, ArchiveStore] = {}


def configure(new_settings: ArchiveSettings) -> None:
    """Use these settings from now on (the tests call it; a worker reads the environment)."""
    global settings
    settings = new_settings
    celery_app.conf.update(broker_url=new_settings.broker_url)


def current_store() -> ArchiveStore:
    """The store the current settings name (one per database file)."""
    key = str(settings.database)
    if key not in _stores:
        _stores[key] = ArchiveStore(settings.database)
    return _stores[key]


class CeleryQueue:
    """The ``ArchiveQueue`` of production: each job is a Celery message."""

    def enqueue(self, archive_id: int) -> None:
        """Send an ``archive_page`` job; raises ``QueueUnavailable``."""
        try:
            archive_page.apply_async(args=(archive_id,), retry=False)
        except OperationalError as error:
            raise QueueUnavailable(str(error)) from error


class _TitleParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self._in_title = False
        self.parts: list[str] = []
        self.seen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.seen:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.seen = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.parts.append(data)


def page_title(html: str) -> str | None:
    """The text of the page's first ``<title>``, spaces collapsed, or ``None``."""
    parser = _TitleParser()
    parser.feed(html)
    title = " ".join("".join(parser.parts).split())
    return title or None


@celery_app.task(bind=True, name="archive.archive_page")
def archive_page(self: Task[[int], None], archive_id: int) -> None:
    """Fetch the archive's page and record what it said.

    Task archive-worker.
    """
    raise NotImplementedError("task archive-worker")
