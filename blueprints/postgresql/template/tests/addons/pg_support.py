"""The PostgreSQL server the postgresql tests run against, and what it ran.

In order of preference, a test session uses:

1. the server the test database URL variable names (your own, for example the
   one ``compose.postgres.yaml`` starts): a URL such as
   ``postgresql+psycopg://postgres:postgres@localhost:5432/postgres`` whose user
   may create databases. Each test gets a database of its own, dropped after it;
2. a throw-away cluster: ``initdb`` into a temporary folder, then ``postgres``
   listening on a unix socket in that folder only (no TCP port), with
   ``fsync=off``. It is started once per session and stopped and removed at its
   end (also on Ctrl-C). When the tests run as root, the server runs as the
   ``postgres`` user (initdb refuses root), the folder owned by that user.

When neither can be had the tests fail, saying how to get a server: a
PostgreSQL test that cannot reach PostgreSQL proves nothing, so it never passes
or skips quietly.

The throw-away cluster logs every statement it runs (``log_statement=all``) and
every connection it receives (``log_connections=on``, written by the postmaster
before the client's own settings apply, so a client cannot switch it off);
``ServerLog`` reads that log, so a test sees what PostgreSQL itself ran, whichever
connection sent it, and how many connections were opened, as which user. The
tests' databases there belong to a plain role (no superuser) with a password of
the session's, the user their engines connect as: only a superuser may change
``log_statement`` or ``pg_stat_statements.track``, so no option of a connection
of theirs turns the log off.

The log is a file, which a process running as root could rewrite (through
``/proc/<pid>/fd/2``, say). What the server counts in its memory it could not:
the cluster preloads ``pg_stat_statements`` (``track=all``), and ``ServerLog``
checks, per database, that the statements PostgreSQL counted since the mark are
no more than those its log shows (``tampered``). The superuser who reads those
counts (and could reset them, or turn the logs off) is reached through one
connection of the session's own, opened at the start; initdb gives it a random
password (``scram-sha-256`` on the socket), which is then removed, so no other
connection can log in as ``postgres``. The session checks that the plain role
really is refused what would hide its statements.

Against your own server there is no log to read, and those checks rely on what
the engine handed to your code sent.
"""

import atexit
import contextlib
import glob
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

import psycopg
import pytest
from sqlalchemy.engine import URL, make_url

LEARNER_ROLE = "tests_learner"
"""The plain role the tests' engines use on the throw-away cluster: PostgreSQL lets
only a superuser change ``log_statement`` or ``log_connections``."""

START_TIMEOUT = 60.0
"""Seconds a throw-away cluster has to accept connections."""

HOW_TO_GET_ONE = (
    "Install PostgreSQL's server (Debian/Ubuntu: apt-get install postgresql; "
    "macOS: brew install postgresql@17), so that initdb is on PATH or in "
    "/usr/lib/postgresql/*/bin, or start one (docker compose -f "
    "compose.postgres.yaml up -d) and set {variable}="
    "postgresql+psycopg://postgres:postgres@localhost:5432/postgres."
)


def find_program(name: str) -> str | None:
    """``name`` on PATH, else in the newest /usr/lib/postgresql/*/bin (Debian's place)."""
    found = shutil.which(name)
    if found is not None:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda path: int(re.sub(r"\D", "", path.split("/")[4]) or 0))
    return candidates[-1] if candidates else None


@dataclass
class Server:
    """Where the session's PostgreSQL is; ``log`` is its statement log, if ours."""

    description: str
    url: URL
    log: Path | None = None
    role: str | None = None
    """On the throw-away cluster, the plain role (no superuser) each test database is
    owned by and the tests' engines connect as: it cannot turn the logs off."""
    admin: psycopg.Connection | None = None
    """On the throw-away cluster, the session's one superuser connection (to the
    ``postgres`` database, its statements not logged): no other may log in as
    ``postgres``."""
    admin_statements: int = 0
    """How many statements ``admin`` ran: they count in ``pg_stat_statements``."""
    settings: tuple[object, ...] = ()
    """On the throw-away cluster, ``SETTINGS`` as they were when it started."""

    def run(self, sql: str) -> list[tuple[object, ...]]:
        """``sql`` run on ``admin``, its rows."""
        assert self.admin is not None
        self.admin_statements += 1
        with self.admin.cursor() as cursor:
            cursor.execute(sql.encode())
            return list(cursor.fetchall()) if cursor.description else []


def _as_server_user() -> dict[str, str]:
    """Popen's user and group: ``postgres`` when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return {}
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(
            "the tests run as root and there is no postgres user to run the "
            "throw-away PostgreSQL server as (initdb refuses root): create one "
            "(useradd --system postgres), run the tests as another user, or "
            + HOW_TO_GET_ONE.format(variable="the test database URL variable")
        )
    return {"user": "postgres", "group": "postgres"}


def _die_with_us() -> None:
    """In the server's process, before it runs: on Linux, stop when the tests' process
    dies (killed by a timeout, say), rather than live on without them."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGINT)


@contextlib.contextmanager
def throwaway_cluster(initdb: str, postgres: str) -> Iterator[Server]:
    """A new cluster in a temporary folder, removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="pg-tests-"))
    run_as = _as_server_user()
    if run_as:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    log = folder / "statements.log"
    process: subprocess.Popen[bytes] | None = None
    admin: psycopg.Connection | None = None

    def stop() -> None:
        if admin is not None:
            admin.close()
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    try:
        # the superuser's password: initdb reads it from a file, removed at once
        password = secrets.token_hex(16)
        pwfile = folder / "pwfile"
        pwfile.write_text(password + "\n")
        if run_as:
            shutil.chown(pwfile, "postgres", "postgres")
        done = subprocess.run(
            [
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                f"--pwfile={pwfile}",
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            capture_output=True,
            check=False,
            **run_as,  # type: ignore[call-overload]
        )
        pwfile.unlink()
        if done.returncode != 0:
            pytest.fail(f"initdb failed ({done.returncode}): {done.stderr.decode()}")
        with log.open("wb") as log_file:
            if run_as:
                shutil.chown(log, "postgres", "postgres")
            process = subprocess.Popen(
                [
                    postgres,
                    "-D",
                    str(data),
                    "-k",
                    str(folder),
                    "-c",
                    "listen_addresses=",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "log_statement=all",
                    "-c",
                    "log_connections=on",
                    "-c",
                    "log_line_prefix=[%p:%d] ",
                    "-c",
                    "logging_collector=off",
                    "-c",
                    "max_connections=40",
                    "-c",
                    "shared_preload_libraries=pg_stat_statements",
                    "-c",
                    "compute_query_id=on",
                    "-c",
                    "pg_stat_statements.track=all",
                    "-c",
                    "pg_stat_statements.max=10000",
                ],
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
                preexec_fn=_die_with_us,  # noqa: PLW1509 - the session starts it before any thread
                **run_as,  # type: ignore[call-overload]
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                text = log.read_text(errors="replace")[-2000:]
                missing = (
                    " (pg_stat_statements, which the tests read, comes with "
                    "PostgreSQL's contrib modules: on some systems a package of its "
                    "own, such as postgresql-contrib)"
                    if "pg_stat_statements" in text
                    else ""
                )
                pytest.fail(
                    f"the throw-away PostgreSQL server stopped ({process.returncode})"
                    f"{missing}: {text}"
                )
            try:
                admin = psycopg.connect(
                    host=str(folder),
                    user="postgres",
                    password=password,
                    dbname="postgres",
                    autocommit=True,
                    options="-c log_statement=none",
                )
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"the throw-away PostgreSQL server did not accept connections "
                        f"within {START_TIMEOUT:.0f} s: "
                        + log.read_text(errors="replace")[-2000:]
                    )
                time.sleep(0.05)
        learner_password = secrets.token_hex(16)
        admin.execute(
            f"CREATE ROLE {LEARNER_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"PASSWORD '{learner_password}'".encode()
        )
        admin.execute("CREATE EXTENSION pg_stat_statements")
        _check_the_logs_are_out_of_reach(folder, learner_password)
        # the plain role may connect to its own databases only, and nobody may log
        # in as postgres any more: this connection of the session's is its last
        admin.execute("REVOKE CONNECT ON DATABASE postgres, template1 FROM PUBLIC")
        admin.execute("ALTER ROLE postgres PASSWORD NULL")
        url = URL.create(
            "postgresql+psycopg",
            username=LEARNER_ROLE,
            password=learner_password,
            database="postgres",
            query={"host": str(folder)},
        )
        server = Server(
            f"a throw-away cluster in {folder}", url, log, LEARNER_ROLE, admin
        )
        server.settings = tuple(server.run(SETTINGS)[0])
        yield server
    finally:
        stop()
        atexit.unregister(stop)


REFUSED = (
    "SET log_statement = 'none'",
    "SET pg_stat_statements.track = 'none'",
    "ALTER SYSTEM SET log_statement = 'none'",
    "SELECT pg_stat_statements_reset()",
    "SELECT pg_stat_reset()",
    "SELECT pg_reload_conf()",
)
"""What the plain role must not run: each would hide statements from the tests."""


def _check_the_logs_are_out_of_reach(folder: Path, password: str) -> None:
    """The plain role must not turn the log or the statement counts off, nor reset
    them, nor log in as the superuser without its password."""
    with psycopg.connect(
        host=str(folder),
        user=LEARNER_ROLE,
        password=password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        for statement in REFUSED:
            try:
                connection.execute(statement.encode())
            except psycopg.Error:
                continue
            pytest.fail(
                f"the tests' plain role {LEARNER_ROLE} may run {statement!r} on the "
                "throw-away cluster: the tests could not trust its log"
            )
    try:
        psycopg.connect(host=str(folder), user="postgres", dbname="postgres").close()
    except psycopg.OperationalError:
        return
    pytest.fail(
        "the throw-away cluster lets anyone log in as postgres without its password: "
        "the tests could not trust its log"
    )


@contextlib.contextmanager
def session_server(variable: str) -> Iterator[Server]:
    """The URL ``variable`` names, else a throw-away cluster; fails without either."""
    named = os.environ.get(variable)
    if named:
        url = make_url(named)
        if url.get_backend_name() != "postgresql":
            pytest.fail(
                f"{variable}={named!r} is not a PostgreSQL URL: "
                + HOW_TO_GET_ONE.format(variable=variable)
            )
        yield Server(f"{variable} ({url.render_as_string(hide_password=True)})", url)
        return
    initdb, postgres = find_program("initdb"), find_program("postgres")
    if initdb is None or postgres is None:
        pytest.fail(
            f"no PostgreSQL server for the postgresql tests: {variable} is not set "
            "and initdb/postgres cannot be found. "
            + HOW_TO_GET_ONE.format(variable=variable)
        )
    with throwaway_cluster(initdb, postgres) as server:
        yield server


@contextlib.contextmanager
def fresh_database(server: Server) -> Iterator[URL]:
    """A new, empty database on ``server`` for one test, dropped after it."""
    name = f"pg_tests_{uuid.uuid4().hex[:12]}"
    owner = f" OWNER {server.role}" if server.role else ""

    def run(sql: str) -> None:
        if server.admin is not None:
            server.run(sql)
            return
        conninfo = server.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(sql.encode())

    run(f'CREATE DATABASE "{name}"{owner} TEMPLATE template0')
    try:
        yield server.url.set(database=name)
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ENTRY = re.compile(r"^\[\d+:(\[unknown\]|[^\]]*)\] ([A-Z]+):  (.*)$")
"""A line of the log: ``[pid:database] LEVEL:  message`` (the database is ``[unknown]``
before the connection names one); other lines continue the last."""
STATEMENT = re.compile(r"^(?:statement|execute [^:]*): (.*)$", re.DOTALL)
CONNECTION = re.compile(r"^connection received: ")
AUTHORIZED = re.compile(r"^connection authorized: user=(\S+)")
TRANSACTION_CONTROL = re.compile(
    r"^(BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|ABORT)( WORK| TRANSACTION)?"
    r"( ISOLATION LEVEL (SERIALIZABLE|REPEATABLE READ|READ COMMITTED|READ UNCOMMITTED)"
    r"| READ ONLY| READ WRITE| NOT DEFERRABLE| DEFERRABLE|,)*$"
)
"""A statement that only opens or ends a transaction (``BEGIN``, ``COMMIT`` ...)."""


def split_statements(entry: str) -> list[str]:
    """The statements of one log entry: a simple query may hold several, split at the
    semicolons outside quotes, dollar quotes and comments. Empty ones are dropped."""
    pieces: list[str] = []
    start = index = 0
    while index < len(entry):
        char = entry[index]
        if char in "'\"":
            end = entry.find(char, index + 1)
            while end != -1 and entry[end + 1 : end + 2] == char:
                end = entry.find(char, end + 2)
            index = len(entry) if end == -1 else end + 1
        elif entry.startswith("--", index):
            end = entry.find("\n", index)
            index = len(entry) if end == -1 else end + 1
        elif entry.startswith("/*", index):
            end = entry.find("*/", index + 2)
            index = len(entry) if end == -1 else end + 2
        elif char == "$":
            tag = re.match(r"\$[A-Za-z_]*\$", entry[index:])
            if tag is None:
                index += 1
            else:
                end = entry.find(tag.group(0), index + len(tag.group(0)))
                index = len(entry) if end == -1 else end + len(tag.group(0))
        elif char == ";":
            pieces.append(entry[start:index])
            index += 1
            start = index
        else:
            index += 1
    pieces.append(entry[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def strip_comments(sql: str) -> str:
    """``sql`` without its ``--`` and ``/* */`` comments (those outside quotes)."""
    kept: list[str] = []
    start = index = 0
    while index < len(sql):
        char = sql[index]
        if char in "'\"":
            end = sql.find(char, index + 1)
            while end != -1 and sql[end + 1 : end + 2] == char:
                end = sql.find(char, end + 2)
            index = len(sql) if end == -1 else end + 1
        elif sql.startswith("--", index) or sql.startswith("/*", index):
            kept.append(sql[start:index])
            if sql.startswith("--", index):
                end = sql.find("\n", index)
                index = len(sql) if end == -1 else end
            else:  # PostgreSQL's block comments nest
                depth, index = 1, index + 2
                while depth and index < len(sql):
                    if sql.startswith("/*", index):
                        depth, index = depth + 1, index + 2
                    elif sql.startswith("*/", index):
                        depth, index = depth - 1, index + 2
                    else:
                        index += 1
            kept.append(" ")
            start = index
        else:
            index += 1
    kept.append(sql[start:])
    return "".join(kept)


def _literal_end(sql: str, index: int) -> int | None:
    """Where the string literal starting at ``index`` ends, or None if none starts
    there: ``'...'`` (a doubled quote stands for itself), ``E'...'`` (backslash
    escapes too) and dollar quotes (``$$...$$``, ``$tag$...$tag$``)."""
    char = sql[index]
    if char == "'":
        escapes = (
            index > 0
            and sql[index - 1] in "Ee"
            and (index == 1 or not (sql[index - 2].isalnum() or sql[index - 2] in "_$"))
        )
        index += 1
        while index < len(sql):
            if escapes and sql[index] == "\\":
                index += 2
            elif sql[index] == "'":
                if sql[index + 1 : index + 2] != "'":
                    return index + 1
                index += 2
            else:
                index += 1
        return len(sql)
    if char == "$" and not (
        index > 0 and (sql[index - 1].isalnum() or sql[index - 1] == "_")
    ):
        tag = re.match(r"\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$", sql[index:])
        if tag is not None:
            end = sql.find(tag.group(0), index + len(tag.group(0)))
            return len(sql) if end == -1 else end + len(tag.group(0))
    return None


def strip_literals(sql: str, *, names: bool = False) -> str:
    """``sql`` without its comments, each string literal made an empty one (``''``):
    a word inside a literal is data, not SQL. With ``names``, each quoted name
    (``"..."``) is made an empty one too (``""``), for a check of keywords."""
    sql = strip_comments(sql)
    kept: list[str] = []
    start = index = 0
    while index < len(sql):
        char = sql[index]
        if char == '"':
            end = sql.find('"', index + 1)
            while end != -1 and sql[end + 1 : end + 2] == '"':
                end = sql.find('"', end + 2)
            end = len(sql) if end == -1 else end + 1
            if names:
                kept.append(sql[start:index])
                kept.append('""')
                start = end
            index = end
            continue
        end_of_literal = _literal_end(sql, index)
        if end_of_literal is None:
            index += 1
            continue
        kept.append(sql[start:index])
        kept.append("''")
        index = start = end_of_literal
    kept.append(sql[start:])
    return "".join(kept)


def keywords(sql: str) -> str:
    """``sql`` outside comments, literals and quoted names, upper-cased, its spaces
    made single: what a check of the statement's keywords reads."""
    return " ".join(strip_literals(sql, names=True).upper().split())


def is_transaction_control(statement: str) -> bool:
    """Whether ``statement`` is exactly a BEGIN, COMMIT, ROLLBACK or the like."""
    return TRANSACTION_CONTROL.match(" ".join(statement.upper().split())) is not None


COUNTS = """
SELECT d.datname, s.userid::text, s.dbid::text, s.queryid::text, s.query, s.calls
FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
WHERE s.toplevel
"""
"""Each statement PostgreSQL ran (run from a client, not inside a function), as
pg_stat_statements counts it: its database, the key of its entry, its text (its
constants made parameters), and how many times it ran."""

SETTINGS = """
SELECT pg_conf_load_time(), current_setting('log_statement'),
    current_setting('pg_stat_statements.track'),
    (SELECT count(*) FROM pg_db_role_setting)
"""
"""When the server last read its configuration files, the settings of the tests'
own connection that hide statements, and how many roles or databases have
settings of their own (``ALTER ROLE ... SET``)."""

Counts = dict[tuple[str, str, str], tuple[str, str, int]]
"""pg_stat_statements' entries by their key (user, database, query id): the
database's name, the statement's text and its calls."""


class ServerLog:
    """The statements the throw-away server ran since ``mark()`` (``log_statement=all``),
    and the connections it received (``log_connections=on``).

    PostgreSQL writes a statement to its log before it runs it, so once a reply
    has come back, its statement is in the log. The log is a file, which code
    running as root could edit; ``tampered`` checks it against the counts of
    ``pg_stat_statements``, in the server's memory, read over the session's
    superuser connection.
    """

    def __init__(self, server: Server) -> None:
        self.server = server
        self.path = server.log
        self._offset = 0
        self._counted: Counts = {}
        self._own_from = 0

    def mark(self) -> None:
        if self.path is not None:
            self._offset = self.path.stat().st_size
        if self.server.admin is not None:
            self._own_from = self.server.admin_statements
            self._counted, _ = self._counts()

    def _counts(self) -> tuple[Counts, tuple[object, ...]]:
        """pg_stat_statements' entries (database, text, calls) by their key, and
        ``SETTINGS``."""
        counted = {
            (str(userid), str(dbid), str(queryid)): (
                str(name),
                str(query),
                int(str(calls)),
            )
            for name, userid, dbid, queryid, query, calls in self.server.run(COUNTS)
        }
        return counted, tuple(self.server.run(SETTINGS)[0])

    def tampered(self) -> str | None:
        """How the log disagrees with what the server counted since the mark, if it
        does: PostgreSQL ran statements its log does not show, so the log was edited
        (or the counts reset, or the server's configuration reloaded or its settings
        changed since the session started)."""
        if self.server.admin is None or self.path is None:
            return None
        own = self.server.admin_statements - self._own_from
        logged: dict[str, int] = {}
        for database, statement in self.statements():
            if not is_transaction_control(statement):
                logged[database] = logged.get(database, 0) + 1
        counted, settings = self._counts()
        if settings[0] != self.server.settings[0]:
            return (
                "the server read its configuration again (pg_hba.conf, "
                "postgresql.conf) while the code ran"
            )
        if settings != self.server.settings:
            return (
                "the server's logging settings changed while the code ran (of the "
                "tests' own connection, or stored for a role or database)"
            )
        ran: dict[str, int] = {}
        for key, (database, query, calls) in counted.items():
            before = self._counted.get(key, (database, query, 0))[2]
            if calls < before:
                return "the server's statement counts were reset while the code ran"
            if calls > before and not is_transaction_control(query):
                ran[database] = ran.get(database, 0) + calls - before
        gone = set(self._counted) - set(counted)
        if gone:
            return "the server's statement counts were reset while the code ran"
        ran["postgres"] = ran.get("postgres", 0) - own  # the session's own
        hidden = {
            database: (calls, logged.get(database, 0))
            for database, calls in ran.items()
            if calls > logged.get(database, 0)
        }
        if not hidden:
            return None
        return "; ".join(
            f"on the database {database}, the server ran {calls} statement(s) since "
            f"the test started counting, its log shows {shown}"
            for database, (calls, shown) in sorted(hidden.items())
        ) + (
            ": the server ran more statements than its log shows (the log was "
            "edited while the code ran)"
        )

    def _entries(self) -> list[tuple[str, str, str]]:
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
                database, level, message = entries[-1]
                entries[-1] = (database, level, message + "\n" + line)
        return entries

    def statements(self) -> list[tuple[str, str]]:
        """``(database, statement)`` for each statement run since the mark, on any
        database, an entry of several statements split into each of them."""
        found: list[tuple[str, str]] = []
        for database, level, message in self._entries():
            statement = STATEMENT.match(message)
            if level == "LOG" and statement is not None:
                found.extend(
                    (database, piece) for piece in split_statements(statement.group(1))
                )
        return found

    def users(self) -> list[str]:
        """The user of each connection the server authorized since the mark."""
        found: list[str] = []
        for _, level, message in self._entries():
            match = AUTHORIZED.match(message)
            if level == "LOG" and match is not None:
                found.append(match.group(1))
        return found

    def connections(self) -> int:
        """How many connections the server received since the mark."""
        return sum(
            1
            for _, level, message in self._entries()
            if level == "LOG" and CONNECTION.match(message) is not None
        )
