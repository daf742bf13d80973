"""A documentation site the tests control, served on 127.0.0.1 from this process.

Each test gets its own ``SiteServer``: an HTTP/1.1 server written on
``asyncio.start_server``, running its own event loop in a thread, so the code
under test talks to it over real sockets. Its paths misbehave on purpose:

- ``/ok/<name>`` answers at once; ``/status/<code>/<name>`` answers that status;
- ``/slow/<seconds>/<name>`` answers after a delay;
- ``/gate/<gate>/<size>/<name>``: the first ``size`` requests to one gate wait
  until all ``size`` are in flight at once, then answer; later ones answer after
  a short pause. A client that sends one request at a time never opens a gate;
- ``/hang/<name>`` never answers; ``/trickle/<name>`` sends its headers, then
  one byte every 50 ms, for ever;
- ``/flaky/<key>?fail=K&status=S`` answers S to the first K requests for that
  key, then 200; ``/drop/<key>?fail=K`` closes the connection without an answer
  K times; ``/limited/<key>?fail=K&retry_after=N`` answers 429 with
  ``Retry-After: N`` K times;
- ``/stream?size=N&chunk=C&pause=P&length=1``: N bytes (``-1``: no end) in
  chunks, with a ``Content-Length`` when ``length=1``;
- any path registered with ``server.page(path, html)`` serves that HTML.

``server.hidden(path)`` gives a URL for a path that does not show which it is.

The server counts what it sees: requests in flight now and at most, hits per
path, and the connections that clients closed before the answer.
"""

import asyncio
import contextlib
import secrets
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

T = TypeVar("T")

# Seconds a test waits for the code under test before it says what went wrong.
PATIENCE = 5.0
# What a pause between gated or streamed answers lasts, in seconds.
PAUSE = 0.03


def body_bytes(size: int, start: int = 0) -> bytes:
    """The deterministic bytes ``/stream`` sends: 0, 1, ..., 250, 0, 1, ..."""
    return bytes((start + i) % 251 for i in range(size))


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
        self.max_in_flight = 0
        self.hits: Counter[str] = Counter()
        self.abandoned: Counter[str] = Counter()
        self.pages: dict[str, tuple[int, str, str, str | None]] = {}
        self._gates: dict[str, Gate] = {}
        self._aliases: dict[str, str] = {}
        self._lock = threading.Lock()
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
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self.route(split.path, query, hits, reader, writer)
        finally:
            with self._lock:
                self.in_flight -= 1

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
            await asyncio.sleep(float(parts[1]))
            return await send(writer, 200, b"slow")
        if kind == "gate":
            return await self.gate(parts[1], int(parts[2]), writer)
        if kind in {"hang", "trickle"}:
            return await self.hold(path, kind, reader, writer)
        if kind == "flaky" and hits <= fail:
            return await send(writer, int(query.get("status", "503")), b"flaky")
        if kind == "drop" and hits <= fail:
            return False
        if kind == "limited" and hits <= fail:
            headers = {"Retry-After": query["retry_after"]}
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
        kind: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        if kind == "trickle":
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
                b"transfer-encoding: chunked\r\n\r\n"
            )
        while not closed(reader, writer):
            if kind == "trickle":
                writer.write(b"1\r\n.\r\n")
            await asyncio.sleep(PAUSE)
        with self._lock:
            self.abandoned[path] += 1
        return False

    async def stream(
        self,
        query: dict[str, str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        size = int(query.get("size", "-1"))
        chunk = int(query.get("chunk", "4096"))
        pause = float(query.get("pause", "0"))
        head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n"
        if query.get("length") == "1":
            head += f"content-length: {size}\r\n\r\n"
        else:
            head += "transfer-encoding: chunked\r\n\r\n"
        writer.write(head.encode())
        sent = 0
        while (size < 0 or sent < size) and not closed(reader, writer):
            part = body_bytes(chunk if size < 0 else min(chunk, size - sent), sent)
            if query.get("length") == "1":
                writer.write(part)
            else:
                writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            sent += len(part)
            await writer.drain()
            await asyncio.sleep(pause)
        if closed(reader, writer):
            with self._lock:
                self.abandoned["/stream"] += 1
            return False
        if query.get("length") != "1":
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

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
    """The real transport, counting the requests sent through it."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await self.inner.handle_async_request(request)

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
