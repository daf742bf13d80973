"""Servers the microservices tests run on 127.0.0.1: a page server that fails
on cue, a uvicorn server in a thread, and a proxy that plants faults between a
client and a service.
"""

from __future__ import annotations

import select
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

import httpx2
import uvicorn


@dataclass
class Hit:
    """One request a test server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    client_gone_after: float | None = None
    """For a request the proxy held: when the client gave up on it, in seconds."""
    settled: threading.Event = field(
        default_factory=threading.Event, compare=False, repr=False
    )
    """Set once a held request is over: the client gave up, or the hold ended."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free local port; yields the base URL."""
    server = _Server(("127.0.0.1", 0), handler)
    # shutdown() waits for the loop to look again: at the default half a second
    # a look, every test that serves a page would end half a second late.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Pages:
    """Pages that answer, fail or hang on cue, and the hits each got.

    ``/ok``: a page with a title. ``/redirect``: a 302 to ``/ok``.
    ``/flaky/<n>/<name>``: 503 for the first ``n`` hits, then a page.
    ``/flaky-redirect/<n>/<name>``: 503 for the first ``n`` hits, then ``/redirect``.
    ``/status/<code>/<name>``: always that status. ``/slow/<name>``: answers
    after ``hang`` seconds. ``/drop/<name>``: closes the connection unanswered.
    """

    def __init__(self, hang: float = 3.0) -> None:
        self.hang = hang
        self.hits: list[Hit] = []
        self._lock = threading.Lock()

    def hits_of(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        pages = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: bytes, **headers: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                # This request's own hit: a retry may append the next before a held
                # request notices that its client gave up.
                mine = Hit("GET", self.path, dict(self.headers), b"", time.monotonic())
                with pages._lock:
                    pages.hits.append(mine)
                    seen = sum(1 for hit in pages.hits if hit.path == self.path)
                page = b"<html><head><title>\n  Hello   world </title></head><body>hi</body></html>"
                parts = self.path.strip("/").split("/")
                if parts[0] == "ok":
                    self._answer(200, page)
                elif parts[0] == "redirect":
                    self._answer(302, b"", Location="/ok")
                elif parts[0] == "flaky-redirect":
                    if seen <= int(parts[1]):
                        self._answer(503, b"<title>Busy</title>")
                    else:
                        self._answer(302, b"", Location="/ok")
                elif parts[0] == "flaky":
                    if seen <= int(parts[1]):
                        self._answer(503, b"<title>Busy</title>")
                    else:
                        self._answer(200, page)
                elif parts[0] == "status":
                    self._answer(int(parts[1]), b"<title>Nope</title>")
                elif parts[0] == "drop":
                    self.close_connection = True
                elif parts[0] == "slow":
                    # Answer nothing for ``hang`` seconds; note when the client gives up.
                    started = time.monotonic()
                    ready, _, _ = select.select([self.connection], [], [], pages.hang)
                    if ready:
                        mine.client_gone_after = time.monotonic() - started
                        mine.settled.set()
                        self.close_connection = True
                        return
                    mine.settled.set()
                    self._answer(200, page)
                else:
                    self._answer(404, b"")

        return Handler


@contextmanager
def unanswered_connections() -> Iterator[str]:
    """A URL whose connections are never accepted: the server's queue of pending
    connections is full, so a client's connect waits until its own timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        server.close()


def free_port() -> int:
    """A local port nothing listens on (for a refused connection)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a thread on a free port; yields its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@dataclass
class FaultProxy:
    """A proxy in front of a service that follows a script, one step a request.

    Steps: ``pass`` (forward, relay the answer), ``lose`` (forward, then answer
    502 as if the answer were lost on the way back), ``hang`` (answer nothing
    for ``hang`` seconds), or a status code (answer it without forwarding).
    With the script used up, every request passes.
    """

    target: str
    script: list[str] = field(default_factory=list)
    hang: float = 3.0
    hits: list[Hit] = field(default_factory=list)
    # One client for every forward: a new one per request costs about 50 ms of CPU
    # (its TLS context), which a busy machine turns into a timeout.
    forwarder: httpx2.Client = field(
        default_factory=lambda: httpx2.Client(timeout=10), repr=False
    )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.forwarder.close()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                # This request's own hit: a retry may append the next before a held
                # request notices that its client gave up.
                mine = Hit(
                    self.command, self.path, dict(self.headers), body, time.monotonic()
                )
                proxy.hits.append(mine)
                step = proxy.script.pop(0) if proxy.script else "pass"
                if step == "hang":
                    # Answer nothing, and watch for the client to give up (its end
                    # of the connection closes): that is its timeout at work.
                    started = time.monotonic()
                    ready, _, _ = select.select([self.connection], [], [], proxy.hang)
                    if ready:
                        mine.client_gone_after = time.monotonic() - started
                    mine.settled.set()
                    self.close_connection = True
                    return
                if step.isdigit():
                    self._answer(
                        int(step), b'{"detail": "planted"}', "application/json"
                    )
                    return
                forwarded = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() not in {"host", "content-length", "connection"}
                }
                answer = proxy.forwarder.request(
                    self.command,
                    proxy.target + self.path,
                    content=body,
                    headers=forwarded,
                    timeout=10,
                )
                if step == "lose":
                    self._answer(502, b"", "text/plain")
                    return
                self._answer(
                    answer.status_code,
                    answer.content,
                    answer.headers.get("content-type", "application/json"),
                    {
                        name: value
                        for name, value in answer.headers.items()
                        if name.lower() in {"location", "retry-after"}
                    },
                )

            def _answer(
                self,
                status: int,
                body: bytes,
                content_type: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = _relay
            do_POST = _relay

        return Handler


def stored_rows(database: Path) -> list[tuple[Any, ...]]:
    """The archive table as the database file holds it, read without the store's code."""
    connection = sqlite3.connect(database)
    try:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
        if "archive" not in tables:
            return []
        return connection.execute(
            "SELECT id, idempotency_key, bookmark_id, url, status, attempts,"
            " http_status, title, error FROM archive ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
