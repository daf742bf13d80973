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

The throw-away server writes its general query log (``--general-log``) to a
file: every connection it receives, as which user, and every statement it is
sent, whichever connection sent it. ``ServerLog`` reads that log. The tests'
engines connect as a plain user that may use its test database only (no
SUPER): MySQL lets only such a privileged user run ``SET sql_log_off`` or
``SET GLOBAL general_log``, so no connection of theirs turns the log off; root,
who may, is given a password only the tests' session knows.
Against your own server there is no log to read, and those checks rely on what
the engine handed to your code sent.

Its databases are made ``CHARACTER SET latin1`` on any server, as many an old
MySQL database still is: a table takes its database's character set unless it
declares its own.
"""

import atexit
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pymysql
import pytest
from sqlalchemy.engine import URL, make_url

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
    log: Path | None = None
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
    log = folder / "general.log"
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
                f"--general-log-file={log}",
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
        url = URL.create(
            "mysql+pymysql",
            username="root",
            password=password,
            host="localhost",
            database="mysql",
            query={"unix_socket": str(socket), "charset": "utf8mb4"},
        )
        yield Server(f"a throw-away MariaDB in {folder}", url, log, LEARNER_USER)
    finally:
        stop()
        atexit.unregister(stop)


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


ENTRY = re.compile(
    r"^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\t\s*(\d+) ([A-Z][a-z]*(?: [a-z]+)?)\t(.*)$"
)
"""A line of the general log: ``[time]<tab>  thread Command<tab>argument``; other
lines continue the last (a statement over several lines)."""
CONNECTED = re.compile(r"^(\S*)@(\S*) (?:on|as)")
TRANSACTION_CONTROL = re.compile(
    r"^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK)( WORK)?"
    r"( WITH CONSISTENT SNAPSHOT| READ ONLY| READ WRITE|,)*$"
)
"""A statement that only opens or ends a transaction (``BEGIN``, ``COMMIT`` ...)."""
RAN = {"Query", "Execute"}
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


def is_transaction_control(statement: str) -> bool:
    """Whether ``statement`` is exactly a BEGIN, COMMIT, ROLLBACK or the like."""
    words = " ".join(strip_comments(statement).upper().split())
    return TRANSACTION_CONTROL.match(words) is not None


class ServerLog:
    """The statements the throw-away server was sent since ``mark()`` (its general
    log), and the connections it received.

    MariaDB writes a command to its general log when it receives it, before it
    runs it, so once a reply has come back, its statement is in the log.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._offset = 0

    def mark(self) -> None:
        if self.path is not None:
            self._offset = self.path.stat().st_size

    def _entries(self) -> list[tuple[str, str, str]]:
        """``(thread, command, argument)`` for each entry since the mark."""
        assert self.path is not None
        with self.path.open("rb") as log:
            log.seek(self._offset)
            text = log.read().decode("utf-8", "replace")
        entries: list[tuple[str, str, str]] = []
        for line in text.split("\n"):
            match = ENTRY.match(line)
            if match is not None:
                entries.append((match.group(1), match.group(2), match.group(3)))
            elif entries:
                thread, command, argument = entries[-1]
                entries[-1] = (thread, command, argument + "\n" + line)
        return entries

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
