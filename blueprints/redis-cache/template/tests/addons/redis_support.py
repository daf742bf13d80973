"""The Redis the redis-cache tests run against, and a client that records commands.

In order of preference, a test session uses:

1. the server ``REDIS_URL`` names (your own, for example one started with
   ``docker run -p 6379:6379 redis:8``): the tests empty its database before each
   test, so give it a spare one, such as ``redis://localhost:6379/15``, on a
   server nothing else uses while they run: they watch every database of it;
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
can check *how* your code talks to Redis, not only what ends up stored. On a real
server the tests also watch the server itself (``MONITOR``): they see every
command it runs, whichever client sent it, and the commands a Lua script runs
inside Redis. A command that reached the server without going through the client
handed to your code (a second client of your own) fails the test, and so does
one that switches databases (``SELECT``, ``SWAPDB``, ``MOVE``) or runs on another
database than the tests': the client handed to your code is bound to its own.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from collections import Counter
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
    "concurrency (MULTI/EXEC, Lua) or network failures, and the tests cannot watch "
    "the server: a command sent through a client other than the one handed to "
    "your code goes unseen, and what a Lua script runs inside Redis is judged from "
    "its text only. Run a real Redis "
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


Command = tuple[str, ...]
"""One command: its words, the name upper-cased (``("SET", "key", "value")``)."""


MONITOR_LINE = re.compile(rb"^\d+\.\d+ \[(\d+) ([^\]]*)\] (.*)$", re.DOTALL)
"""A line of MONITOR: time, [database client], then the command's quoted words."""
MONITOR_WORD = re.compile(rb'"((?:[^"\\]|\\.)*)"')
MONITOR_ESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|.)", re.DOTALL)
ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"a": b"\a", b"b": b"\b"}
"""How MONITOR writes the bytes it escapes besides \\xHH, \\" and \\\\."""


class ServerWatch:
    """Every command a real server runs, read from a ``MONITOR`` connection.

    ``MONITOR`` streams each command the server runs, from any client, and those
    a Lua script runs (from the client ``lua``). To know that the stream holds
    everything run so far, ``drain`` sends a marker (``ECHO <token>``) on a
    connection of its own and reads up to it.
    """

    def __init__(self, url: str) -> None:
        self._marker = redis.Redis.from_url(url, protocol=2, socket_timeout=10)
        self._marker.ping()  # connected before MONITOR starts: its handshake is not seen
        self._pool = redis.ConnectionPool.from_url(url, protocol=2, socket_timeout=10)
        self.db = int(self._pool.connection_kwargs.get("db", 0))
        self._watch = self._pool.get_connection()
        send: Callable[..., None] = self._watch.send_command
        send("MONITOR")
        reply = self._watch.read_response()
        if reply not in (b"OK", "OK"):
            pytest.fail(
                f"MONITOR answered {reply!r}: the tests need to watch the server"
            )

    def drain(self) -> list[tuple[int, str, Command]]:
        """``(db, client, command)`` for each command the server ran since the last drain.

        ``db`` is the database the command ran on and ``client`` is ``"lua"`` for
        the commands a Lua script ran. Every database's commands are kept: work
        done on another database is work done out of the tests' sight.
        """
        token = f"redis-cache-tests-{uuid.uuid4().hex}"
        self._marker.echo(token)
        seen: list[tuple[int, str, Command]] = []
        while True:
            line = self._watch.read_response()
            match = MONITOR_LINE.match(
                line if isinstance(line, bytes) else line.encode()
            )
            if match is None:
                continue
            db, origin, rest = match.groups()
            words = [self._unescape(word) for word in MONITOR_WORD.findall(rest)]
            if words[-1:] == [token] and words[0].upper() == "ECHO":
                return seen
            if words:
                command = (words[0].upper(), *words[1:])
                seen.append((int(db), origin.decode(), command))

    def _unescape(self, word: bytes) -> str:
        def one(escape: re.Match[bytes]) -> bytes:
            code = escape.group(1)
            if code.startswith(b"x") and len(code) == 3:
                return bytes([int(code[1:], 16)])
            return ESCAPED.get(code, code)

        return MONITOR_ESCAPE.sub(one, word).decode("utf-8", "replace")

    def close(self) -> None:
        self._pool.disconnect()
        self._marker.close()


@dataclass
class CommandLog:
    """The commands sent to Redis since the last ``clear``.

    ``sent`` is what the client handed to your code sent. On a real server
    ``commands`` is what the server ran (``MONITOR``), and it fails the test when
    the server ran a command that client did not send: that one came from a
    client of your own, which the tests would otherwise not see. With fakeredis
    ``commands`` is ``sent``. ``scripted`` is what Lua scripts ran inside Redis,
    or ``None`` when the tests cannot see it (fakeredis).
    """

    watch: ServerWatch | None = None
    sent: list[Command] = field(default_factory=list)
    _ran: list[Command] = field(default_factory=list)
    _scripted: list[Command] = field(default_factory=list)
    _elsewhere: list[Command] = field(default_factory=list)

    def add(self, args: tuple[object, ...]) -> None:
        """Record one command the client handed to your code sends."""
        words = []
        for arg in args:
            text = arg.decode() if isinstance(arg, bytes) else str(arg)
            words.append(text)
        if words and not _is_handshake(words):
            # redis-py sends some commands as one word with a space ("CLIENT SETNAME").
            first = words[0].split(" ")
            words = [first[0].upper(), *first[1:], *words[1:]]
            self.sent.append(tuple(words))

    @property
    def commands(self) -> list[Command]:
        """The commands run, in order; fails the test on a command sent elsewhere."""
        if self.watch is None:
            return list(self.sent)
        self._sync()
        self.check_one_database()
        hidden = self._not_sent()
        assert not hidden, (
            f"Redis ran {_shown(hidden)}, which did not come through the client "
            "handed to your code: use that client (self._redis) for every command, "
            "not a second client of your own (one built from its connection_pool's "
            "connection_kwargs, say). The tests watch the server itself, so "
            "commands sent out of their sight are still seen, and are not allowed"
        )
        return list(self._ran)

    @property
    def scripted(self) -> list[Command] | None:
        """The commands Lua scripts ran inside Redis, or None under fakeredis."""
        if self.watch is None:
            return None
        self._sync()
        self.check_one_database()
        return list(self._scripted)

    def check_one_database(self) -> None:
        """Fails the test if anything ran on another database, or changed databases.

        The client handed to your code is bound to its database: ``SELECT``,
        ``SWAPDB`` and ``MOVE``, or any command on another database, would do
        work where the tests do not look.
        """
        if self.watch is None:
            return
        self._sync()
        assert not self._elsewhere, (
            f"Redis ran {_shown(self._elsewhere)}: the client handed to your code is "
            f"bound to its database ({self.watch.db}). Switching databases (SELECT, "
            "SWAPDB, MOVE) or running commands on another one does work out of the "
            "tests' sight, and is not allowed"
        )

    def names(self) -> list[str]:
        """The command names, in order."""
        return [command[0] for command in self.commands]

    def sent_names(self) -> list[str]:
        """The names of the commands the client handed to your code sent, in order."""
        return [command[0] for command in self.sent]

    def clear(self) -> None:
        if self.watch is not None:
            self._sync()
        self.sent.clear()
        self._ran.clear()
        self._scripted.clear()

    def _sync(self) -> None:
        assert self.watch is not None
        for db, origin, command in self.watch.drain():
            if _leaves_the_database(command, self.watch.db) or (
                db != self.watch.db and not _is_handshake(list(command))
            ):  # a connection's handshake runs on database 0, before its SELECT
                self._elsewhere.append(command)
            elif origin == "lua":
                self._scripted.append(command)
            elif not _is_handshake(list(command)):
                self._ran.append(command)

    def _not_sent(self) -> list[Command]:
        """The commands the server ran that the client did not send."""
        unmatched = Counter(self.sent)
        names = Counter(command[0] for command in self.sent)
        ran_here = []
        for command in self._ran:
            if unmatched[command] > 0:
                unmatched[command] -= 1
                names[command[0]] -= 1
            else:
                ran_here.append(command)
        hidden = []
        for command in ran_here:  # sent, but its words were packed differently
            if names[command[0]] > 0:
                names[command[0]] -= 1
            else:
                hidden.append(command)
        return hidden


def _shown(commands: list[Command], most: int = 5) -> str:
    """Commands as Redis writes them, long words cut, at most ``most`` of them."""
    texts = [
        " ".join(word if len(word) <= 40 else word[:37] + "..." for word in command)
        for command in commands[:most]
    ]
    more = f" and {len(commands) - most} more" if len(commands) > most else ""
    return "; ".join(texts) + more


def _leaves_the_database(command: Command, db: int) -> bool:
    """Whether ``command`` switches, swaps or moves to another database than ``db``.

    redis-py's own ``SELECT`` of the client's database, on connecting, is fine.
    """
    if command[0] == "SELECT":
        return command[1:] != (str(db),)
    return command[0] in {"SWAPDB", "MOVE", "COPY"} and (
        command[0] != "COPY" or "DB" in {word.upper() for word in command}
    )


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


def recording_client(
    backend: Backend, log: CommandLog, fail: dict[str, Exception] | None = None
) -> redis.Redis:
    """A client of ``backend``, decoding replies to ``str``, that logs every command.

    ``fail`` maps command names to the error the client raises instead of sending
    that command (a write refused while reads work, or a bug in the client).
    """
    failures = fail or {}
    # A refused command fails at once: it is not retried.
    no_retry: dict[str, Retry] = {"retry": Retry(NoBackoff(), 0)} if failures else {}

    def refuse(args: tuple[object, ...]) -> None:
        if not args:
            return
        head = args[0]
        name = (head.decode() if isinstance(head, bytes) else str(head)).upper()
        if name in failures:
            raise failures[name]

    def pack_command(self: Connection, *args: object) -> list[bytes | memoryview]:
        refuse(args)
        log.add(args)
        packer: Callable[..., list[bytes | memoryview]] = base.pack_command
        return packer(self, *args)

    def pack_commands(
        self: Connection, commands: list[tuple[object, ...]]
    ) -> list[bytes | memoryview]:
        for args in commands:
            refuse(args)
        for args in commands:
            log.add(args)
        packer: Callable[..., list[bytes | memoryview]] = base.pack_commands
        return packer(self, commands)

    def send_command(self: Connection, *args: object, **options: object) -> None:
        refuse(args)
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
            server=backend.fake,
            connection_class=recording,
            decode_responses=True,
            retry=Retry(NoBackoff(), 0),  # in-process: nothing to retry
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
        backend.url,
        connection_class=recording,
        decode_responses=True,
        **no_retry,
    )
    return redis.Redis(connection_pool=pool)


@contextlib.contextmanager
def command_log(backend: Backend) -> Iterator[CommandLog]:
    """The log of one test: on a real server it watches the server too."""
    watch = ServerWatch(backend.url) if backend.url is not None else None
    try:
        yield CommandLog(watch)
    finally:
        if watch is not None:
            watch.close()


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
