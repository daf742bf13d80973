"""Opening log files, plain or compressed, and writing reports safely.

Servers rotate their logs: ``access.log`` is today's, ``access.log.1`` yesterday's,
``access.log.2.gz`` and older ones are compressed. Most lines are UTF-8, but a
client can send any bytes in a path or a user agent, and some servers write
them as they came.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from io import BufferedIOBase
from pathlib import Path
from types import TracebackType
from typing import IO, Self


class LogFile:
    """One log file, read line by line: a context manager and an iterator.

    ``with LogFile(path) as log: for line in log: ...`` gives each line as text,
    without its line break.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.line_number = 0
        """How many lines have been read so far."""
        self._file: BufferedIOBase | None = None

    @property
    def closed(self) -> bool:
        """Whether the file is closed (or was never opened)."""
        return self._file is None or self._file.closed

    def __enter__(self) -> Self:
        raise NotImplementedError("open-logs: open the file")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        raise NotImplementedError("open-logs: close the file")

    def __iter__(self) -> Self:
        raise NotImplementedError("open-logs: iterate over the lines")

    def __next__(self) -> str:
        raise NotImplementedError("open-logs: read the next line")


@contextmanager
def atomic_write(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write ``path`` all at once: the file appears only when the block succeeds."""
    raise NotImplementedError("open-logs: write through a temporary file")
    yield  # pragma: no cover
