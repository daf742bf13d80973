"""Access-log lines made up for the tests, the same on every run."""

import os
import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

PATHS = [
    "/",
    "/shop",
    "/shop/cart",
    "/shop/checkout",
    "/api/orders",
    "/api/stock",
    "/static/app.js",
    "/static/site.css",
    "/login",
    "/search?q=rye",
]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "python-httpx/0.28"]
START = datetime(2025, 10, 10, 13, 55, 36, tzinfo=UTC)


def stamp(moment: datetime, offset_minutes: int = 0) -> str:
    """``moment`` as a log writes it, in a zone ``offset_minutes`` east of UTC."""
    local = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    return local.strftime("%d/%b/%Y:%H:%M:%S %z")


def line(
    moment: datetime,
    *,
    client: str = "203.0.113.7",
    path: str = "/",
    status: int = 200,
    duration: float = 0.042,
    offset_minutes: int = 0,
    agent: str = "curl/8.5.0",
) -> str:
    """One line of the combined log format, followed by the request time."""
    return (
        f'{client} - - [{stamp(moment, offset_minutes)}] "GET {path} HTTP/1.1"'
        f' {status} 512 "-" "{agent}" {duration:.3f}'
    )


def lines(count: int, seed: int = 7, start: datetime = START) -> Iterator[str]:
    """``count`` made-up lines, about one a second, from a few dozen clients."""
    rng = random.Random(seed)
    moment = start
    for _ in range(count):
        moment += timedelta(milliseconds=rng.randrange(0, 2000))
        yield line(
            moment,
            client=f"198.51.100.{rng.randrange(1, 40)}",
            path=rng.choice(PATHS),
            status=rng.choice([200] * 40 + [301, 304, 404, 404, 500, 503]),
            duration=rng.expovariate(20),
            offset_minutes=rng.choice([0, 60, -300, 330]),
            agent=rng.choice(AGENTS),
        )


def read_while_written(
    path: Path, head: bytes, read: Callable[[Path], object], patience: float = 2.0
) -> tuple[object, bool]:
    """What ``read(path)`` returns while ``path``, a pipe, has only ``head`` in it.

    A writer keeps the pipe open after ``head`` until ``read`` returns, or until
    ``patience`` seconds pass. The second value says whether the writer had to
    give up: ``read`` waited for the end of a log still being written, as code
    that reads the whole file before it gives the first line does.
    """
    os.mkfifo(path)
    done = threading.Event()
    gave_up: list[bool] = []

    def write() -> None:
        try:
            with open(path, "wb") as pipe:
                pipe.write(head)
                pipe.flush()
                gave_up.append(not done.wait(patience))
        except OSError:
            pass  # the reader went away

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        result = read(path)
    finally:
        done.set()
        # A reader that failed before it opened the pipe leaves the writer blocked
        # in open(): a reading end of our own lets it through.
        unblock = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        writer.join(patience + 5)
        os.close(unblock)
    return result, bool(gave_up and gave_up[0])
