"""Streaming the records of many log files, one at a time."""

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from .records import LogRecord

logger = logging.getLogger(__name__)


def read_records(paths: Iterable[Path], *, strict: bool = False) -> Iterator[LogRecord]:
    """The records of every file of ``paths``, in order, read lazily."""
    raise NotImplementedError("stream-records: stream the records")
