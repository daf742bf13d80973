"""The Redis the redis-cache tests run against, and a client that records commands.

In order of preference, a test session uses:

1. the server ``REDIS_URL`` names (your own, for example one started with
   ``docker run -p 6379:6379 redis:8``): the tests empty its database before each
   test, so give it a spare one, such as ``redis://localhost:6379/15``;
2. a throw-away ``redis-server`` started on a free 127.0.0.1 port in a temporary
   folder, with persistence off, when the binary is on PATH; it is stopped when
   the session ends;
3. fakeredis, an in-process imitation, when neither is available. The session
   summary then says so: fakeredis cannot prove real expiry timing, memory limits
   and eviction, atomicity under real concurrency or network failures.
   ``REDIS_REQUIRE_SERVER=1`` refuses the fake instead (continuous integration
   sets it, so that a missing server is an error rather than a quieter test).

Every client the tests hand your code records the commands it sends, as Redis
receives them (``MULTI`` and ``EXEC`` around a transaction included), so a test
can check *how* your code talks to Redis, not only what ends up stored.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import fakeredis
import pytest
import redis
from redis.backoff import NoBackoff
from redis.connection import Connection
from redis.retry import Retry

START_TIMEOUT = 10.0
"""Seconds a throw-away redis-server has to answer PING."""

FAKE_NOTE = (
    "fakeredis in use: no REDIS_URL was set and redis-server is not on PATH, so "
    "the redis-cache tests ran against an in-process imitation of Redis. It cannot "
    "prove real expiry timing, memory limits and eviction, atomicity under real "
    "concurrency (MULTI/EXEC, Lua) or network failures. Run a real Redis "
    "(docker run -p 6379:6379 redis:8, or your package manager's redis-server) "
    "and set REDIS_URL=redis://localhost:6379/15 to test against it."
)


@dataclass
class Backend:
    """Where the session's Redis is: a URL, or a fakeredis server."""

    description: str
    url: str | None = None
    fake: fakeredis.FakeServer | None = None


HANDSHAKE = {"HELLO", "AUTH", "SELECT", "READONLY"} | {
    f"CLIENT {word}" for word in ("SETNAME", "SETINFO", "TRACKING")
}
"""What redis-py sends on its own when it opens a connection: not logged."""


@dataclass
class CommandLog:
    """The commands a recording client sent, each as a tuple of upper-cased words."""

    commands: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, args: tuple[object, ...]) -> None:
        words = []
        for arg in args:
            text = arg.decode() if isinstance(arg, bytes) else str(arg)
            words.append(text)
        if words and not _is_handshake(words):
            # redis-py sends some commands as one word with a space ("CLIENT SETNAME").
            first = words[0].split(" ")
            words = [first[0].upper(), *first[1:], *words[1:]]
            self.commands.append(tuple(words))

    def names(self) -> list[str]:
        """The command names, in order."""
        return [command[0] for command in self.commands]

    def clear(self) -> None:
        self.commands.clear()


def _is_handshake(words: list[str]) -> bool:
    head = words[0].upper()
    if head == "CLIENT" and len(words) > 1:
        head = f"CLIENT {words[1].upper()}"
    return head in HANDSHAKE


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on: connecting to it is refused."""
    return _free_port()


def _ping(url: str, timeout: float) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@contextlib.contextmanager
def _throwaway_server(binary: str, folder: Path) -> Iterator[str]:
    """A redis-server on a free port of 127.0.0.1, persistence off, stopped after."""
    for _attempt in range(3):
        port = _free_port()
        log = folder / f"redis-{port}.log"
        command = [binary, "--port", str(port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(folder)]
        command += ["--logfile", str(log), "--protected-mode", "yes"]
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + START_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            if _ping(url, 0.2):
                break
            time.sleep(0.05)
        if process.poll() is None and _ping(url, 0.5):
            try:
                yield url
            finally:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            return
        process.kill()
        process.wait()
    said = log.read_text() if log.exists() else "(no log)"
    pytest.fail(f"{binary} did not start on 127.0.0.1; its log:\n{said}")


@contextlib.contextmanager
def session_backend(folder: Path) -> Iterator[Backend]:
    """The session's Redis (see the module's docstring), shut down afterwards."""
    url = os.environ.get("REDIS_URL")
    if url:
        if not _ping(url, 2.0):
            pytest.fail(
                f"REDIS_URL={url} does not answer PING: start that server, or unset "
                "REDIS_URL to let the tests start their own redis-server"
            )
        yield Backend(f"the Redis at REDIS_URL={url}", url=url)
        return
    binary = shutil.which("redis-server")
    if binary is not None:
        with _throwaway_server(binary, folder) as url:
            yield Backend(f"a throw-away redis-server at {url}", url=url)
        return
    if os.environ.get("REDIS_REQUIRE_SERVER") == "1":
        pytest.fail(
            "REDIS_REQUIRE_SERVER=1 but there is no real Redis: set REDIS_URL or put "
            "redis-server on PATH (apt-get install redis-server; docker run -p "
            "6379:6379 redis:8)"
        )
    yield Backend(
        "fakeredis (see the note in the summary)", fake=fakeredis.FakeServer()
    )


def recording_client(backend: Backend, log: CommandLog) -> redis.Redis:
    """A client of ``backend``, decoding replies to ``str``, that logs every command."""

    def pack_command(self: Connection, *args: object) -> list[bytes | memoryview]:
        log.add(args)
        packer: Callable[..., list[bytes | memoryview]] = base.pack_command
        return packer(self, *args)

    def pack_commands(
        self: Connection, commands: list[tuple[object, ...]]
    ) -> list[bytes | memoryview]:
        for args in commands:
            log.add(args)
        packer: Callable[..., list[bytes | memoryview]] = base.pack_commands
        return packer(self, commands)

    def send_command(self: Connection, *args: object, **options: object) -> None:
        log.add(args)
        sender: Callable[..., None] = base.send_command
        sender(self, *args, **options)

    base: type[Connection]
    if backend.fake is not None:
        base = fakeredis.FakeRedisConnection
        recording = type(
            "RecordingFakeConnection",
            (base,),
            {
                "pack_command": pack_command,
                "pack_commands": pack_commands,
                "send_command": send_command,
            },
        )
        return fakeredis.FakeRedis(
            server=backend.fake, connection_class=recording, decode_responses=True
        )
    assert backend.url is not None
    base = Connection
    recording = type(
        "RecordingConnection",
        (base,),
        {
            "pack_command": pack_command,
            "pack_commands": pack_commands,
            "send_command": send_command,
        },
    )
    pool = redis.ConnectionPool.from_url(
        backend.url, connection_class=recording, decode_responses=True
    )
    return redis.Redis(connection_pool=pool)


def down_client() -> redis.Redis:
    """A client of a Redis that is down: every command fails to connect."""
    return redis.Redis(
        host="127.0.0.1",
        port=closed_port(),
        retry=Retry(NoBackoff(), 0),
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
        decode_responses=True,
    )
