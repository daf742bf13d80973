"""The MySQL server the mysql tests run against (MariaDB or MySQL), and what it ran.

In order of preference, a test session uses:

1. the server the test MySQL URL variable names (your own, for example the
   MySQL 8.4 that ``compose.mysql.yaml`` starts): a URL such as
   ``mysql+pymysql://root:mysql@127.0.0.1:3306/mysql`` whose user may create
   databases. Each test gets a database of its own, dropped after it;
2. a throw-away MariaDB server: ``mariadb-install-db`` into a temporary folder,
   then ``mariadbd`` listening on a unix socket in that folder only (no TCP
   port), with InnoDB's durability turned down for speed. It is started once per
   session and stopped and removed at its end (also on Ctrl-C). When the tests
   run as root, the server runs as the ``mysql`` user (mariadbd refuses root),
   the folder owned by that user.

When neither can be had the tests fail, saying how to get a server: a MySQL
test that cannot reach MySQL proves nothing, so it never passes or skips
quietly.

The throw-away server keeps its general query log (``--general-log``) in the
table ``mysql.general_log`` (``--log-output=TABLE``), not in a file the tests'
process could edit: every connection it receives, as which user, and every
statement it is sent, whichever connection sent it. ``ServerLog`` reads that
table as root. The tests' engines connect as a plain user that may use its test
database only (no SUPER, nothing in the ``mysql`` database): it can neither read
nor empty the log, nor run ``SET sql_log_off`` or ``SET GLOBAL general_log``;
root, who may, is given a password only the tests' session knows. The session
checks that the plain user really is refused.
Against your own server there is no log to read, and those checks rely on what
the engine handed to your code sent.

The driver (PyMySQL) and SQLAlchemy are what the tests read the server through,
so ``tampering`` looks for code of yours inside them: a method of theirs
replaced, a class-level event listener, a function of the project's package in
one of their namespaces.

Its databases are made ``CHARACTER SET latin1`` on any server, as many an old
MySQL database still is: a table takes its database's character set unless it
declares its own.
"""

import atexit
import contextlib
import functools
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pymysql
import pymysql.connections
import pymysql.cursors
import pytest
import sqlalchemy
from sqlalchemy.dialects.mysql.pymysql import MySQLDialect_pymysql
from sqlalchemy.engine import URL, Connection, CursorResult, Engine, make_url
from sqlalchemy.engine.default import DefaultDialect, DefaultExecutionContext
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.pool import Pool, QueuePool

LEARNER_USER = "tests_learner"
"""The plain user the tests' engines use on the throw-away server: MySQL lets only a
user with SUPER change ``sql_log_off`` or ``general_log``."""

START_TIMEOUT = 60.0
"""Seconds a throw-away server has to accept connections."""

SERVER_DIRECTORIES = ("/usr/sbin", "/usr/libexec", "/usr/local/sbin", "/usr/local/bin")
"""Where packages put mariadbd when it is not on PATH (Debian: /usr/sbin)."""

SQL_MODE = (
    "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)
"""MySQL 8's default SQL mode, so the throw-away MariaDB is as strict as MySQL 8."""

HOW_TO_GET_ONE = (
    "Install MariaDB's server (Debian/Ubuntu: apt-get install mariadb-server; "
    "macOS: brew install mariadb), so that mariadbd and mariadb-install-db can "
    "be found, or start a MySQL (docker compose -f compose.mysql.yaml up -d) "
    "and set {variable}=mysql+pymysql://root:mysql@127.0.0.1:3306/mysql."
)


def find_program(name: str) -> str | None:
    """``name`` on PATH, else in /usr/sbin and the like (Debian's mariadbd)."""
    found = shutil.which(name)
    if found is not None:
        return found
    for directory in SERVER_DIRECTORIES:
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


@dataclass
class Server:
    """Where the session's MySQL is; ``log`` is its general log, if ours."""

    description: str
    url: URL
    logged: bool = False
    """Whether the server keeps its general log in ``mysql.general_log`` for the tests."""
    user: str | None = None
    """On the throw-away server, the plain user (no SUPER) each test database is
    granted to and the tests' engines connect as: it cannot turn the log off."""


def _server_user() -> str | None:
    """The user the server runs as: ``mysql`` when we are root (mariadbd refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        import pwd

        pwd.getpwnam("mysql")
    except KeyError:
        pytest.fail(
            "the tests run as root and there is no mysql user to run the throw-away "
            "MariaDB server as (mariadbd refuses root): create one (useradd --system "
            "mysql), run the tests as another user, or "
            + HOW_TO_GET_ONE.format(variable="the test MySQL URL variable")
        )
    return "mysql"


def _die_with_us() -> None:
    """In the server's process, before it runs: on Linux, stop when the tests' process
    dies (killed by a timeout, say), rather than live on without them."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _connect(socket: Path) -> pymysql.Connection:
    """A connection as root, who has no password until the tests give it one."""
    return pymysql.connect(
        unix_socket=str(socket), user="root", charset="utf8mb4", autocommit=True
    )


@contextlib.contextmanager
def throwaway_server(install_db: str, mariadbd: str) -> Iterator[Server]:
    """A new MariaDB server in a temporary folder, removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="maria-tests-"))
    run_as = _server_user()
    if run_as:
        shutil.chown(folder, run_as, run_as)
    data = folder / "data"
    socket = folder / "sock"
    errors = folder / "error.log"
    process: subprocess.Popen[bytes] | None = None
    as_user = [f"--user={run_as}"] if run_as else []
    small = [
        "--innodb-buffer-pool-size=16M",
        "--innodb-log-file-size=8M",
        "--innodb-log-buffer-size=1M",
        "--innodb-flush-log-at-trx-commit=0",
        "--innodb-doublewrite=0",
        "--innodb-use-native-aio=0",
        "--skip-log-bin",
    ]

    def stop() -> None:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # a normal shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    try:
        done = subprocess.run(
            [
                install_db,
                "--no-defaults",
                f"--datadir={data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                *as_user,
                *small,
            ],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(
                f"mariadb-install-db failed ({done.returncode}): "
                + (done.stderr or done.stdout).decode(errors="replace")[-2000:]
            )
        process = subprocess.Popen(
            [
                mariadbd,
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={socket}",
                "--skip-networking",
                f"--pid-file={folder / 'server.pid'}",
                f"--log-error={errors}",
                "--general-log=1",
                "--log-output=TABLE",
                "--character-set-server=latin1",
                "--collation-server=latin1_swedish_ci",
                f"--sql-mode={SQL_MODE}",
                "--max-connections=40",
                *as_user,
                *small,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_us,  # noqa: PLW1509 - the session starts it before any thread
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                text = errors.read_text(errors="replace") if errors.exists() else ""
                pytest.fail(
                    f"the throw-away MariaDB server stopped ({process.returncode}): "
                    + text[-2000:]
                )
            try:
                _connect(socket).close()
                break
            except pymysql.err.OperationalError:
                if time.monotonic() > deadline:
                    text = errors.read_text(errors="replace") if errors.exists() else ""
                    pytest.fail(
                        f"the throw-away MariaDB server did not accept connections "
                        f"within {START_TIMEOUT:.0f} s: " + text[-2000:]
                    )
                time.sleep(0.05)
        password = secrets.token_hex(16)
        connection = _connect(socket)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE USER '{LEARNER_USER}'@'localhost'")
                # root gets a password only the tests know: code under test that
                # connects as root (who may turn the log off) is refused.
                cursor.execute(
                    "ALTER USER 'root'@'localhost' IDENTIFIED BY %s", (password,)
                )
        finally:
            connection.close()
        _check_the_log_is_out_of_reach(socket)
        url = URL.create(
            "mysql+pymysql",
            username="root",
            password=password,
            host="localhost",
            database="mysql",
            query={"unix_socket": str(socket), "charset": "utf8mb4"},
        )
        yield Server(f"a throw-away MariaDB in {folder}", url, True, LEARNER_USER)
    finally:
        stop()
        atexit.unregister(stop)


def _check_the_log_is_out_of_reach(socket: Path) -> None:
    """The plain user must not read, empty or turn off the general log."""
    connection = pymysql.connect(
        unix_socket=str(socket), user=LEARNER_USER, charset="utf8mb4", autocommit=True
    )
    try:
        for statement in (
            "SELECT COUNT(*) FROM mysql.general_log",
            "TRUNCATE TABLE mysql.general_log",
            "SET GLOBAL general_log = 0",
            "SET GLOBAL log_output = 'FILE'",
            "SET SESSION sql_log_off = 1",
        ):
            with connection.cursor() as cursor:
                try:
                    cursor.execute(statement)
                except pymysql.err.MySQLError:
                    continue
            pytest.fail(
                f"the tests' plain user {LEARNER_USER} may run {statement!r} on the "
                "throw-away server: the tests could not trust its general log"
            )
    finally:
        connection.close()


@contextlib.contextmanager
def session_server(variable: str) -> Iterator[Server]:
    """The URL ``variable`` names, else a throw-away MariaDB; fails without either."""
    named = os.environ.get(variable)
    if named:
        url = make_url(named)
        if url.get_backend_name() not in {"mysql", "mariadb"}:
            pytest.fail(
                f"{variable}={named!r} is not a MySQL URL: "
                + HOW_TO_GET_ONE.format(variable=variable)
            )
        if url.drivername != "mysql+pymysql":
            url = url.set(drivername="mysql+pymysql")
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
        yield Server(f"{variable} ({url.render_as_string(hide_password=True)})", url)
        return
    install_db = find_program("mariadb-install-db")
    mariadbd = find_program("mariadbd")
    if install_db is None or mariadbd is None:
        pytest.fail(
            f"no MySQL server for the mysql tests: {variable} is not set and "
            "mariadbd/mariadb-install-db cannot be found. "
            + HOW_TO_GET_ONE.format(variable=variable)
        )
    with throwaway_server(install_db, mariadbd) as server:
        yield server


def _admin(server: Server) -> pymysql.Connection:
    url = server.url
    query = url.query
    socket = query.get("unix_socket")
    return pymysql.connect(
        host=url.host or "localhost",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        unix_socket=str(socket) if socket else None,
        charset="utf8mb4",
        autocommit=True,
    )


@contextlib.contextmanager
def fresh_database(server: Server) -> Iterator[URL]:
    """A new, empty latin1 database on ``server`` for one test, dropped after it."""
    name = f"my_tests_{uuid.uuid4().hex[:12]}"
    connection = _admin(server)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE `{name}` CHARACTER SET latin1 COLLATE latin1_swedish_ci"
            )
            if server.user:
                cursor.execute(
                    f"GRANT ALL ON `{name}`.* TO '{server.user}'@'localhost'"
                )
    finally:
        connection.close()
    try:
        url = server.url.set(database=name)
        if server.user:  # the plain user, with no password (URL.set keeps root's)
            url = URL.create(
                url.drivername,
                username=server.user,
                host=url.host,
                port=url.port,
                database=name,
                query=url.query,
            )
        yield url
    finally:
        connection = _admin(server)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        finally:
            connection.close()


CONNECTED = re.compile(r"^(\S*)@(\S*) (?:on|as)")
TRANSACTION_CONTROL = re.compile(
    r"^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK)( WORK)?"
    r"( WITH CONSISTENT SNAPSHOT| READ ONLY| READ WRITE|,)*$"
)
"""A statement that only opens or ends a transaction (``BEGIN``, ``COMMIT`` ...)."""
RAN = {"Query", "Execute"}
NOT_STATEMENTS = {
    "Com_admin_commands",
    "Com_stmt_close",
    "Com_stmt_execute",
    "Com_stmt_fetch",
    "Com_stmt_prepare",
    "Com_stmt_reprepare",
    "Com_stmt_reset",
    "Com_stmt_send_long_data",
}
"""The ``Com_`` counters of the protocol's commands (ping, quit, a prepared
statement's steps), not of statements: each statement the server runs counts in
one of the others, and the general log logs it (a prepared one at Execute)."""
"""The commands of the log that run a statement (a prepared one runs at Execute)."""


def _skip_quoted(sql: str, index: int) -> int:
    """The index after the quoted text starting at ``index`` (MySQL: backslash escapes,
    and a doubled quote stands for itself)."""
    quote = sql[index]
    index += 1
    while index < len(sql):
        char = sql[index]
        if char == "\\" and quote != "`":
            index += 2
        elif char == quote:
            if sql[index + 1 : index + 2] == quote:
                index += 2
            else:
                return index + 1
        else:
            index += 1
    return len(sql)


def _comment_end(sql: str, index: int) -> int | None:
    """Where the comment starting at ``index`` ends, or None if none starts there.
    MySQL's comments: ``-- `` (with a space), ``#``, and ``/* */``; ``/*! */`` and
    ``/*M! */`` are not comments (the server runs what they hold)."""
    if sql.startswith("--", index) and sql[index + 2 : index + 3] in {
        " ",
        "\t",
        "\n",
        "",
    }:
        end = sql.find("\n", index)
        return len(sql) if end == -1 else end
    if sql.startswith("#", index):
        end = sql.find("\n", index)
        return len(sql) if end == -1 else end
    if sql.startswith("/*", index) and not (
        sql.startswith("/*!", index) or sql.startswith("/*M!", index)
    ):
        end = sql.find("*/", index + 2)
        return len(sql) if end == -1 else end + 2
    return None


def split_statements(entry: str) -> list[str]:
    """The statements of one log entry: a query may hold several, split at the
    semicolons outside quotes and comments. Empty ones are dropped."""
    pieces: list[str] = []
    start = index = 0
    while index < len(entry):
        char = entry[index]
        if char in "'\"`":
            index = _skip_quoted(entry, index)
            continue
        end = _comment_end(entry, index)
        if end is not None:
            index = end
        elif char == ";":
            pieces.append(entry[start:index])
            index += 1
            start = index
        else:
            index += 1
    pieces.append(entry[start:])
    return [piece.strip() for piece in pieces if strip_comments(piece).strip()]


def strip_comments(sql: str) -> str:
    """``sql`` without its comments (those outside quotes); an executable comment
    (``/*! ... */``) is kept, since MySQL runs what it holds."""
    kept: list[str] = []
    start = index = 0
    while index < len(sql):
        char = sql[index]
        if char in "'\"`":
            index = _skip_quoted(sql, index)
            continue
        end = _comment_end(sql, index)
        if end is not None:
            kept.append(sql[start:index])
            kept.append(" ")
            index = start = end
        else:
            index += 1
    kept.append(sql[start:])
    return "".join(kept)


def strip_literals(sql: str) -> str:
    """``sql`` without its comments, each string literal ('...' or "...") made an
    empty one: a word inside a literal is data, not SQL. Quoted names (`...`)
    are kept."""
    sql = strip_comments(sql)
    kept: list[str] = []
    start = index = 0
    while index < len(sql):
        char = sql[index]
        if char in "'\"":
            end = _skip_quoted(sql, index)
            kept.append(sql[start:index])
            kept.append("''")
            index = start = end
        elif char == "`":
            index = _skip_quoted(sql, index)
        else:
            index += 1
    kept.append(sql[start:])
    return "".join(kept)


def is_transaction_control(statement: str) -> bool:
    """Whether ``statement`` is exactly a BEGIN, COMMIT, ROLLBACK or the like."""
    words = " ".join(strip_comments(statement).upper().split())
    return TRANSACTION_CONTROL.match(words) is not None


class ServerLog:
    """The statements the throw-away server was sent since ``mark()`` (its general
    log, the table ``mysql.general_log``), and the connections it received.

    MariaDB writes a command to its general log when it receives it, before it
    runs it, so once a reply has come back, its statement is in the log. The log
    is read, and emptied at each mark, over a root connection of the tests' own,
    whose statements are not logged (``sql_log_off``).

    The table is a file in the server's data folder, which a process running as
    root could rewrite; the server's counters, in its memory, could not be: each
    statement counts in one ``Com_`` counter (``Com_select``, ``Com_begin`` ...),
    each connection in ``Connections``. ``tampered`` compares them with the log.
    """

    def __init__(self, server: Server) -> None:
        self.admin: pymysql.Connection | None = None
        self._counted: dict[str, int] = {}
        self._own = 0
        """The statements the root connection ran since the mark: they count in
        ``Questions`` but are not logged."""
        if server.logged:
            self.admin = _admin(server)
            with self.admin.cursor() as cursor:
                cursor.execute("SET SESSION sql_log_off = 1")

    @property
    def readable(self) -> bool:
        return self.admin is not None

    def close(self) -> None:
        if self.admin is not None:
            self.admin.close()
            self.admin = None

    def mark(self) -> None:
        if self.admin is not None:
            with self.admin.cursor() as cursor:
                cursor.execute("TRUNCATE TABLE mysql.general_log")
            self._counted = self._counters()
            self._own = 0

    def _counters(self) -> dict[str, int]:
        assert self.admin is not None
        self._own += 1
        with self.admin.cursor() as cursor:
            cursor.execute(
                "SHOW GLOBAL STATUS WHERE Variable_name LIKE 'Com\\_%' "
                "OR Variable_name = 'Connections'"
            )
            found = {str(name): int(value) for name, value in cursor.fetchall()}
        found["statements"] = sum(
            value
            for name, value in found.items()
            if name.startswith("Com_") and name not in NOT_STATEMENTS
        )
        return found

    def tampered(self) -> str | None:
        """How the log disagrees with the server's counters since the mark, if it
        does: then it was edited."""
        entries = self._entries()
        now = self._counters()
        counted = {name: now[name] - self._counted.get(name, 0) for name in now}
        ran = [
            statement
            for _, command, argument in entries
            if command in RAN
            for statement in split_statements(argument)
        ]
        logged = {
            "statements": len(ran),
            "BEGIN, COMMIT and ROLLBACK": sum(
                1 for argument in ran if is_transaction_control(argument)
            ),
            "connections": sum(1 for _, command, _ in entries if command == "Connect"),
        }
        served = {
            "statements": counted["statements"] - self._own,
            "BEGIN, COMMIT and ROLLBACK": counted["Com_begin"]
            + counted["Com_commit"]
            + counted["Com_rollback"],
            "connections": counted["Connections"],
        }
        if logged == served:
            return None
        return f"the server counted {served}, its general log holds {logged}"

    def _entries(self) -> list[tuple[str, str, str]]:
        """``(thread, command, argument)`` for each entry since the mark."""
        assert self.admin is not None
        self._own += 1
        with self.admin.cursor() as cursor:
            cursor.execute(
                "SELECT thread_id, command_type, argument FROM mysql.general_log"
            )
            rows = cursor.fetchall()
        return [
            (
                str(thread),
                str(command),
                argument.decode("utf-8", "replace")
                if isinstance(argument, bytes)
                else str(argument),
            )
            for thread, command, argument in rows
        ]

    def statements(self) -> list[str]:
        """Each statement the server was sent since the mark, on any connection, an
        entry of several statements split into each of them."""
        found: list[str] = []
        for _, command, argument in self._entries():
            if command in RAN:
                found.extend(split_statements(argument))
        return found

    def users(self) -> list[str]:
        """The user of each connection (or change of user) since the mark."""
        found: list[str] = []
        for _, command, argument in self._entries():
            match = CONNECTED.match(argument)
            if command in {"Connect", "Change user"} and match is not None:
                found.append(match.group(1))
        return found

    def connections(self) -> int:
        """How many connections the server received since the mark."""
        return sum(1 for _, command, _ in self._entries() if command == "Connect")


LIBRARIES = (pymysql, sqlalchemy)
"""The packages the tests reach the server through: no code of the project's may
sit inside them."""

WATCHED = (
    pymysql.cursors.Cursor,
    pymysql.cursors.DictCursorMixin,
    pymysql.cursors.SSCursor,
    pymysql.connections.Connection,
    pymysql.connections.MySQLResult,
    Engine,
    Connection,
    CursorResult,
    DefaultExecutionContext,
    MySQLDialect_pymysql,
    Pool,
    QueuePool,
    Session,
)
"""The classes whose methods the tests' reading of the server runs through."""

EVENT_CLASSES = (Engine, Pool, DefaultDialect, Mapper, Session)
"""Classes whose class-level event listeners would see every engine, pool, dialect,
mapper and session, the tests' own too (Connection shares Engine's events)."""


def _library_classes() -> list[type]:
    found: list[type] = []
    for watched in WATCHED:
        for klass in watched.__mro__:
            if klass.__module__.split(".")[0] in {"pymysql", "sqlalchemy"}:
                found.append(klass)
    return list(dict.fromkeys(found))


def _class_listeners() -> list[tuple[str, str, object]]:
    """``(class, event, listener)`` for each class-level listener of EVENT_CLASSES."""
    found: list[tuple[str, str, object]] = []
    for target in EVENT_CLASSES:
        dispatch = cast("Any", target).dispatch
        for name in dispatch._event_names:
            level = getattr(dispatch, name)
            for klass, listeners in getattr(level, "_clslevel", {}).items():
                found.extend((klass.__name__, name, fn) for fn in listeners)
    return found


_METHODS = {klass: dict(vars(klass)) for klass in _library_classes()}
"""The library classes' namespaces as they were when the tests were imported."""
_LISTENERS = {id(fn) for _, _, fn in _class_listeners()}


def _code(value: object) -> types.CodeType | None:
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    if isinstance(value, property):
        value = value.fget
    value = getattr(value, "__func__", value)
    code = getattr(value, "__code__", None)
    return code if isinstance(code, types.CodeType) else None


def _is_code(value: object) -> bool:
    """Whether ``value`` runs: a function, method, property or other callable."""
    return (
        _code(value) is not None
        or (callable(value) and not isinstance(value, type))
        or isinstance(value, property)
    )


@functools.cache
def _real(filename: str) -> str:
    return os.path.realpath(filename)


def _inside(code: types.CodeType | None, folder: Path) -> bool:
    if code is None or code.co_filename.startswith("<"):
        return False
    return _real(code.co_filename).startswith(f"{folder}{os.sep}")


def _wrapped(value: object, depth: int = 3) -> list[object]:
    """``value`` and what it wraps (``__wrapped__``, a closure's functions):
    SQLAlchemy wraps some listeners in a function of its own."""
    found = [value]
    if depth == 0:
        return found
    inner = getattr(value, "__wrapped__", None)
    if inner is not None:
        found.extend(_wrapped(inner, depth - 1))
    for cell in getattr(value, "__closure__", None) or ():
        with contextlib.suppress(ValueError):
            if callable(cell.cell_contents):
                found.extend(_wrapped(cell.cell_contents, depth - 1))
    return found


def _where(value: object) -> str:
    code = _code(value)
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    if code is None:
        return str(name)
    where = Path(code.co_filename)
    with contextlib.suppress(ValueError):
        where = where.relative_to(Path.cwd())
    return f"{name} ({where})"


def tampering(package: types.ModuleType) -> list[str]:
    """What of PyMySQL and SQLAlchemy the project's ``package`` changed: replaced or
    added methods, class-level event listeners, its functions in their modules."""
    assert package.__file__ is not None
    folder = Path(package.__file__).resolve().parent
    libraries = [Path(str(library.__file__)).resolve().parent for library in LIBRARIES]
    found: list[str] = []
    for klass, before in _METHODS.items():
        now = vars(klass)
        where = f"{klass.__module__}.{klass.__qualname__}"
        for name in sorted(set(before) | set(now)):
            old, new = before.get(name), now.get(name)
            if old is new or not (_is_code(old) or _is_code(new)):
                continue  # a flag SQLAlchemy sets itself (_has_events), say
            if name not in now:
                found.append(f"{where}.{name} was deleted")
            else:
                found.append(f"{where}.{name} was replaced by {_where(new)}")
    for klass_name, event_name, fn in _class_listeners():
        ours = any(_inside(_code(inner), folder) for inner in _wrapped(fn))
        theirs = any(_inside(_code(fn), library) for library in libraries)
        if ours or (id(fn) not in _LISTENERS and not theirs):
            real = [
                inner for inner in _wrapped(fn) if _inside(_code(inner), folder)
            ] or [fn]
            found.append(
                f"a class-level {event_name!r} listener on {klass_name}: "
                f"{_where(real[0])}"
            )
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in {"pymysql", "sqlalchemy"} or module is None:
            continue
        for key, value in list(vars(module).items()):
            values = [(f"{name}.{key}", value)]
            if isinstance(value, type) and value.__module__ == name:
                values += [
                    (f"{name}.{key}.{attribute}", inner)
                    for attribute, inner in list(vars(value).items())
                ]
            for label, item in values:
                if any(entry.startswith(f"{label} ") for entry in found):
                    continue
                if _inside(_code(item), folder) or (
                    type(item).__module__.split(".")[0] == package.__name__
                ):
                    found.append(f"{label} is {_where(item)}, the project's code")
    return list(dict.fromkeys(found))
