"""A documentation site the tests control, served on 127.0.0.1 from this process.

Each test gets its own ``SiteServer``: an HTTP/1.1 server written on
``asyncio.start_server``, running its own event loop in a thread, so the code
under test talks to it over real sockets. Its paths misbehave on purpose:

- ``/ok/<name>`` answers at once; ``/status/<code>/<name>`` answers that status;
- ``/slow/<seconds>/<name>`` answers after a delay (``-1``: never answers);
- ``/gate/<gate>/<size>/<name>``: the first ``size`` requests to one gate wait
  until all ``size`` are in flight at once, then answer; later ones answer after
  a short pause. A client that sends one request at a time never opens a gate;
- ``/trickle/<bytes>/<name>`` sends its headers, then one byte every 30 ms,
  ``bytes`` of them (``-1``: for ever);
- ``/flaky/<key>?fail=K&status=S`` answers S to the first K requests for that
  key, then 200; ``/drop/<key>?fail=K`` closes the connection without an answer
  K times; ``/limited/<key>?fail=K`` answers 429 K times, each with a
  ``Retry-After`` of seconds the server draws at random and records in
  ``retry_after[key]``, so that nothing but the header says how long to wait;
- ``/stream?size=N&chunk=C&pause=P&length=1&type=html``: N bytes (``-1``: no
  end, or rather ``ENDLESS`` bytes) in chunks, with a ``Content-Length`` when ``length=1``; with
  ``type=html``, an HTML page whose last bytes are a link to ``/beyond-the-cap``;
- any path registered with ``server.page(path, html)`` serves that HTML.

``server.hidden(path)`` gives a URL for a path that does not show which it is:
every hidden URL has the same shape, ``/r/<random token>``.

The server counts what it sees: requests in flight now, every arrival and
finish (``most_in_flight()`` is computed from them), hits per path, and the
connections that clients closed before the answer ended.
"""

import asyncio
import contextlib
import secrets
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

T = TypeVar("T")

# Seconds a test waits for the code under test before it says what went wrong.
PATIENCE = 5.0
# What a pause between gated or streamed answers lasts, in seconds.
PAUSE = 0.03
# Where an "endless" body ends after all, in bytes: far past any cap the tests
# set, so that code which reads a body whole fails on its size, not on memory.
ENDLESS = 32 * 1024 * 1024


# The bytes ``/stream`` sends, 0, 1, ..., 250, 0, 1, ..., precomputed so that the
# server can send fast: a chunk is a slice of this.
PATTERN = bytes(i % 251 for i in range(251 + 256 * 1024))
# What ``/stream?type=html`` sends: lines of this, then a link at the very end.
FILLER = b"<p>A long page, longer than anyone should read whole.</p>\n"
FILLERS = FILLER * (256 * 1024 // len(FILLER) + 2)
BEYOND = b'<a href="/beyond-the-cap">the end</a>\n'


def body_bytes(size: int, start: int = 0) -> bytes:
    """The deterministic bytes ``/stream`` sends: 0, 1, ..., 250, 0, 1, ..."""
    if size <= len(PATTERN) - 251:
        return PATTERN[start % 251 : start % 251 + size]
    return bytes((start + i) % 251 for i in range(size))


def html_bytes(size: int, start: int, count: int) -> bytes:
    """Bytes ``start`` to ``start + count`` of the ``size``-byte HTML page."""
    text_end = size - len(BEYOND)
    part = bytearray()
    if start < text_end:
        take = min(count, text_end - start)
        offset = start % len(FILLER)
        while take > 0:
            piece = FILLERS[offset : offset + take]
            part += piece
            take -= len(piece)
            offset = 0
    tail_start = max(start, text_end) - text_end
    part += BEYOND[tail_start : tail_start + count - len(part)]
    return bytes(part)


@dataclass
class Gate:
    size: int
    arrived: int = 0
    opened: asyncio.Event = field(default_factory=asyncio.Event)


class SiteServer:
    """The server's state, read by the tests from another thread."""

    def __init__(self) -> None:
        self.port = 0
        self.in_flight = 0
        # +1 when a request arrives, -1 when its answer ends: the record of the
        # requests in flight, which only the server's handlers append to.
        self._arrivals: list[int] = []
        self.retry_after: dict[str, list[int]] = {}
        self.hits: Counter[str] = Counter()
        self.abandoned: Counter[str] = Counter()
        self.pages: dict[str, tuple[int, str, str, str | None]] = {}
        self._gates: dict[str, Gate] = {}
        self._aliases: dict[str, str] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._loop: asyncio.AbstractEventLoop | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hidden(self, path: str) -> str:
        """A URL for ``path`` (query included) that does not say what it does.

        The code under test cannot tell a hanging or endless path from its URL,
        so it cannot special-case it: it has to do the work.
        """
        alias = f"/r/{secrets.token_hex(8)}"
        self._aliases[alias] = path
        return self.url(alias)

    def page(
        self,
        path: str,
        html: str,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        gate: str | None = None,
    ) -> str:
        """Serve ``html`` at ``path``; returns its URL.

        ``gate="name/size"`` holds the page's requests like ``/gate/name/size``.
        """
        self.pages[path] = (status, content_type, html, gate)
        return self.url(path)

    def hit_count(self, path: str) -> int:
        with self._lock:
            return self.hits[path]

    def closed_early(self, path: str, count: int = 1) -> int:
        """How many of ``path``'s answers the client closed before their end,
        once there are ``count`` of them, or after ``PATIENCE`` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.abandoned[path] >= count, PATIENCE)
            return self.abandoned[path]

    def abandon(self, path: str) -> None:
        with self._changed:
            self.abandoned[path] += 1
            self._changed.notify_all()

    def most_in_flight(self) -> int:
        """The most requests the server had in flight at once, so far."""
        with self._lock:
            record = list(self._arrivals)
        now = most = 0
        for step in record:
            now += step
            most = max(most, now)
        return most

    # --- the server side, running in the server's own loop -----------------

    async def handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                target = head.split(b" ", 2)[1].decode()
                if not await self.answer(target, reader, writer):
                    return
        finally:
            writer.close()

    async def answer(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection must close."""
        split = urlsplit(self._aliases.get(urlsplit(target).path, target))
        query = {key: values[0] for key, values in parse_qs(split.query).items()}
        with self._lock:
            self.hits[split.path] += 1
            hits = self.hits[split.path]
            self.in_flight += 1
            self._arrivals.append(1)
        try:
            return await self.route(split.path, query, hits, reader, writer)
        finally:
            with self._lock:
                self.in_flight -= 1
                self._arrivals.append(-1)

    async def route(
        self,
        path: str,
        query: dict[str, str],
        hits: int,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        parts = path.strip("/").split("/")
        kind = parts[0]
        fail = int(query.get("fail", "0"))
        if path in self.pages:
            status, content_type, html, gate = self.pages[path]
            if gate is not None:
                name, size = gate.split("/")
                await self.wait_at(name, int(size))
            return await send(writer, status, html.encode(), content_type)
        if kind == "ok":
            return await send(writer, 200, b"ok")
        if kind == "status":
            return await send(writer, int(parts[1]), b"status")
        if kind == "slow":
            if not await self.hold(path, float(parts[1]), reader, writer):
                return False
            return await send(writer, 200, b"slow")
        if kind == "gate":
            return await self.gate(parts[1], int(parts[2]), writer)
        if kind == "trickle":
            return await self.trickle(path, int(parts[1]), reader, writer)
        if kind == "flaky" and hits <= fail:
            return await send(writer, int(query.get("status", "503")), b"flaky")
        if kind == "drop" and hits <= fail:
            return False
        if kind == "limited" and hits <= fail:
            seconds = 2 + secrets.randbelow(28)
            with self._lock:
                self.retry_after.setdefault(parts[1], []).append(seconds)
            headers = {"Retry-After": str(seconds)}
            return await send(writer, 429, b"slow down", extra=headers)
        if kind in {"flaky", "drop", "limited"}:
            return await send(writer, 200, b"recovered")
        if kind == "stream":
            return await self.stream(query, reader, writer)
        return await send(writer, 404, b"not found")

    async def gate(self, name: str, size: int, writer: asyncio.StreamWriter) -> bool:
        await self.wait_at(name, size)
        return await send(writer, 200, b"through the gate")

    async def wait_at(self, name: str, size: int) -> None:
        gate = self._gates.setdefault(name, Gate(size))
        gate.arrived += 1
        if gate.arrived >= gate.size:
            gate.opened.set()
        await gate.opened.wait()
        await asyncio.sleep(PAUSE)

    async def hold(
        self,
        path: str,
        seconds: float,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Wait ``seconds`` (for ever if negative); False if the client left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while seconds < 0 or loop.time() < deadline:
            if closed(reader, writer):
                self.abandon(path)
                return False
            await asyncio.sleep(min(PAUSE, max(deadline - loop.time(), 0)))
        return True

    async def trickle(
        self,
        path: str,
        size: int,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
            b"transfer-encoding: chunked\r\n\r\n"
        )
        sent = 0
        while size < 0 or sent < size:
            if closed(reader, writer):
                self.abandon(path)
                return False
            writer.write(b"1\r\n.\r\n")
            sent += 1
            await asyncio.sleep(PAUSE)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def stream(
        self,
        query: dict[str, str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        size = int(query.get("size", "-1"))
        size = ENDLESS if size < 0 else size
        chunk = int(query.get("chunk", "4096"))
        pause = float(query.get("pause", "0"))
        html = query.get("type") == "html"
        content_type = "text/html" if html else "application/octet-stream"
        head = f"HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\n"
        if query.get("length") == "1":
            head += f"content-length: {size}\r\n\r\n"
        else:
            head += "transfer-encoding: chunked\r\n\r\n"
        sent = 0
        try:
            writer.write(head.encode())
            while sent < size and not closed(reader, writer):
                count = min(chunk, size - sent)
                part = (
                    html_bytes(size, sent, count) if html else body_bytes(count, sent)
                )
                if query.get("length") == "1":
                    writer.write(part)
                else:
                    writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                sent += len(part)
                await writer.drain()
                await asyncio.sleep(pause)
            if not closed(reader, writer):
                if query.get("length") != "1":
                    writer.write(b"0\r\n\r\n")
                await writer.drain()
                return True
        except ConnectionError:
            pass
        self.abandon("/stream")
        return False

    # --- running it --------------------------------------------------------

    @contextlib.contextmanager
    def running(self) -> Iterator["SiteServer"]:
        started = threading.Event()
        stop: list[asyncio.Event] = []

        async def serve() -> None:
            server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            stop.append(asyncio.Event())
            started.set()
            await stop[0].wait()
            server.close()
            # Connections still open (kept alive, or held at a gate) end here.
            handlers = asyncio.all_tasks() - {asyncio.current_task()}
            for handler in handlers:
                handler.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)
            await server.wait_closed()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(serve())
            self._loop.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        started.wait(PATIENCE)
        try:
            yield self
        finally:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(stop[0].set)
            thread.join(PATIENCE)


def closed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    """Whether the client has gone away."""
    return reader.at_eof() or writer.is_closing()


async def send(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    content_type: str = "text/plain",
    extra: dict[str, str] | None = None,
) -> bool:
    lines = [
        f"HTTP/1.1 {status} {reason(status)}",
        f"content-type: {content_type}",
        f"content-length: {len(body)}",
        *(f"{name}: {value}" for name, value in (extra or {}).items()),
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    try:
        await writer.drain()
    except ConnectionError:
        return False
    return True


def reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


@pytest.fixture
def server() -> Iterator[SiteServer]:
    with SiteServer().running() as site:
        yield site


@pytest.fixture
def other_server() -> Iterator[SiteServer]:
    """A second site, on another port: another origin."""
    with SiteServer().running() as site:
        yield site


class CountingTransport(httpx.AsyncBaseTransport):
    """The real transport, counting the requests sent through it.

    It also counts, for each URL, the bytes of its bodies that the code under
    test took from the connection (as httpx read them, before any decoding).
    """

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.sent = 0
        self.received: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        response = await self.inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = CountedBody(response.stream, self.received, str(request.url))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class CountedBody(httpx.AsyncByteStream):
    """A response body that counts the bytes taken from it."""

    def __init__(
        self, inner: httpx.AsyncByteStream, received: Counter[str], url: str
    ) -> None:
        self.inner = inner
        self.received = received
        self.url = url

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self.received[self.url] += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


@contextlib.asynccontextmanager
async def counting_client() -> AsyncIterator[
    tuple[httpx.AsyncClient, CountingTransport]
]:
    """The one client a test hands to the code, and the count of its requests."""
    transport = CountingTransport()
    async with httpx.AsyncClient(transport=transport, timeout=30.0) as client:
        yield client, transport


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    """Run one test's coroutine in a fresh event loop."""

    async def main() -> T:
        return await scenario()

    return asyncio.run(main())


async def within(
    awaitable: Awaitable[T], seconds: float, advice: str | Callable[[], str]
) -> T:
    """``awaitable``'s result, or a failed test that says why it took too long.

    ``advice`` may be a function, called at the timeout, to report what the
    server saw by then.
    """
    scope = asyncio.timeout(seconds)
    try:
        async with scope:
            return await awaitable
    except TimeoutError:
        if not scope.expired():
            raise  # the code under test raised it: the test reports it
        said = advice if isinstance(advice, str) else advice()
        pytest.fail(f"no answer within {seconds:g} s: {said}")


# --- worker processes, for task 7 ------------------------------------------------


class LoopBlocked(RuntimeError):
    """A worker waited in vain for the test's event loop to turn."""


# Set in each worker process by ``watch``, the pool's initializer.
_WATCHED: list[Any] = []


def watch(started: Any, turned: Any) -> None:
    """In a worker: keep the events that ``run_watched`` uses."""
    _WATCHED[:] = [started, turned]


def run_watched(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """In a worker: say the work has started, wait until the test's event loop
    has turned a few times since, then do it.

    Code that blocks the event loop while the workers compute never lets them
    start: they give up after ``PATIENCE`` seconds (at once, once one has).
    """
    started, turned = _WATCHED
    started.set()
    if not turned.wait(0 if len(_WATCHED) > 2 else PATIENCE):
        _WATCHED.append("gave up")
        raise LoopBlocked(
            "the worker waited while the event loop was blocked: a task that wakes "
            "every 5 ms never ran once the workers had started. Await the "
            "executor's futures (loop.run_in_executor, then asyncio.gather) "
            "rather than calling executor.map or future.result(), which block"
        )
    return fn(*args, **kwargs)
