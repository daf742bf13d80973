"""Runs the learner's browser tests against the site and every variant of it.

For each variant of ``e2e_proxy`` the learner's test file runs once, in a fresh
interpreter, with pytest and Playwright, against a fresh copy of the site (its database
prepared once per judgement and copied) seen through the proxy that plants the variant.
The tests must pass on the site and on each equivalent, and fail on each mutant.

Each run gets its own folder with a copy of the learner's test folder: the test file it
judges and the helpers beside it, but no other test file (each file is judged alone, so a
verdict holds until that file, its helpers or the site change) and no ``conftest.py`` (as
``skillforge check`` leaves it out); and only the proxy's address: the variant stays in
this process. The run's own state (paths, the report's
secret token) reaches it on stdin and never sits where the tests can reach it; its tally
comes back after the token. A test that does not use a browser fixture, or that takes a
page of its browser anywhere but the site, fails.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import importlib.metadata
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from e2e_proxy import EQUIVALENTS, MUTANTS, REFERENCE, Proxy, Variant
from e2e_site import OTHERS, PEOPLE, Site, make

# The code each run executes. Everything it knows comes on stdin, which it reads and
# closes, and stays in the locals of one function that `__main__` no longer names while
# the tests run. It loads Playwright's pytest plugin and one of its own that chooses the
# browser, guards where pages go and tallies the results, then writes the tally as one
# line of JSON after the token, on a copy of stdout made before the tests ran.
BOOTSTRAP = r"""
def _main():
    import json, os, sys
    args = json.loads(sys.stdin.readline())
    sys.stdin.close()
    sys.stdin = open(os.devnull, encoding="utf-8")
    token = args.pop("token")
    report = os.dup(1)
    os.set_inheritable(report, False)
    sys.dont_write_bytecode = True
    sys.path[0:0] = [args["tests"], args["site"]]
    sys.path.extend(args["packages"])
    import pytest
    import pytest_playwright.pytest_playwright as playwright_plugin

    tally = {"passed": 0, "failed": 0, "skipped": 0, "failures": [], "away": []}
    origin = args["url"] + "/"
    drivers = {"page", "context", "browser", "new_context"}

    from playwright.sync_api import expect

    expect.set_options(timeout=args["expect_timeout"])

    def guard(context):
        context.set_default_timeout(args["action_timeout"])

        def went(frame):
            if not (frame.url + "/").startswith(origin) and frame.url != "about:blank":
                tally["away"].append(frame.url[:200])
        context.on("page", lambda page: page.on("framenavigated", went))
        return context

    from playwright.sync_api import Browser, BrowserType

    new_context, new_page = Browser.new_context, Browser.new_page

    def guarded_context(self, *a, **k):
        for option in ("java_script_enabled", "storage_state", "record_har_path"):
            k.pop(option, None)
        return guard(new_context(self, *a, **k))

    def refused(*a, **k):
        raise RuntimeError("the checks launch the browser: use the page or new_context fixtures")

    # The checks' Chromium, headless, with the checks' options and no other: whatever a
    # fixture of the test file returned, no program, argument or environment of its own.
    import e2e_site_launch

    launch = BrowserType.launch
    launched = []

    def checks_launch(self, *a, **k):
        if launched:
            refused()
        launched.append(True)
        options = e2e_site_launch.chromium(self.executable_path)
        return launch(self, headless=True, timeout=60000, **options)

    BrowserType.launch = checks_launch
    BrowserType.launch_persistent_context = refused
    BrowserType.connect = BrowserType.connect_over_cdp = refused

    def guarded_page(self, *a, **k):
        page = new_page(self, *a, **k)
        page.on("framenavigated", went)
        guard(page.context)
        return page

    Browser.new_context, Browser.new_page = guarded_context, guarded_page

    class Plugin:
        def pytest_collection_modifyitems(self, items):
            for item in items:
                if not drivers & set(getattr(item, "fixturenames", ())):
                    tally["failed"] += 1
                    tally["failures"].append(item.nodeid + " (uses no browser: take page)")

        def pytest_runtest_logreport(self, report):
            if report.failed:
                tally["failed"] += 1
                tally["failures"].append(report.nodeid)
            elif report.skipped:
                tally["skipped"] += 1
            elif report.when == "call":
                tally["passed"] += 1

        def pytest_collectreport(self, report):
            if report.failed:
                tally["failed"] += 1
                tally["failures"].append("collecting " + report.nodeid)

    pytest.main(args["pytest"] + [args["file"]], plugins=[playwright_plugin, Plugin()])
    os.write(report, ("\n" + token + json.dumps(tally) + "\n").encode())
    os.close(report)

globals().pop("_main")()
"""

# Runs at once: each is a browser, a site and a proxy; two fit a loaded 2-core machine.
WORKERS = 2

# Seconds one run may take: a test that hangs on a mutant has caught it.
RUN_TIMEOUT = 90

# How long expect() waits for what it expects, and an action (a click, a fill) for its
# element, in milliseconds: Playwright's defaults are 5 s and none, which a mutant that
# removes what a test waits for would spend in full. The slow equivalent needs 0.8 s,
# and a loaded machine more.
EXPECT_TIMEOUT_MS = 4000
ACTION_TIMEOUT_MS = 5000

# pytest's options in each run: no configuration file of the project, no conftest.py,
# no cache, no plugin but pytest's own and the two the bootstrap loads.
PYTEST_ARGS = ["-p", "no:cacheprovider", "--noconftest", "-q", "-o", "addopts="]


@dataclass
class Tally:
    """What one run of the learner's tests said."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    away: list[str] = field(default_factory=list)
    ended: str = ""
    output: str = ""

    @property
    def all_passed(self) -> bool:
        return self.passed > 0 and not (
            self.failed or self.skipped or self.ended or self.away
        )

    @property
    def caught(self) -> bool:
        """The run failed: a test failed, or the process ended without a report."""
        return (self.failed > 0 or bool(self.ended)) and not self.away

    def summary(self) -> str:
        said = []
        if self.ended:
            said.append(self.ended)
        if self.away:
            said.append("a page left the site for " + ", ".join(sorted(set(self.away))))
        if self.failures:
            said.append("failed: " + ", ".join(self.failures))
        if self.skipped:
            said.append(f"{self.skipped} skipped")
        return "; ".join(said) or f"{self.passed} passed"


@dataclass
class Verdict:
    """The learner's tests against the site and its variants."""

    reference: Tally
    equivalents: dict[str, Tally]
    survivors: list[Variant]


def accounts() -> tuple[dict[str, str], tuple[str, str]]:
    """Every known person's password by username, and the reviewer's name and password."""
    passwords = {p.username: p.password for p in (*PEOPLE, *OTHERS)}
    reviewer = next(p for p in PEOPLE if p.reviewer)
    return passwords, (reviewer.username, reviewer.password)


def run(tests: Path, variant: Variant, databases: dict[bool, Path]) -> Tally:
    """Runs the learner's test file ``tests`` once against a fresh site seen as ``variant``."""
    passwords, reviewer = accounts()
    with (
        Site(database=databases[variant.busy]) as site,
        tempfile.TemporaryDirectory(prefix="e2e-run-") as scratch,
    ):
        proxy = Proxy(site.url, site.paths, passwords, reviewer, variant)
        url = proxy.start()
        try:
            return run_tests(tests, url, Path(scratch).resolve())
        finally:
            proxy.stop()


def run_tests(tests: Path, url: str, root: Path) -> Tally:
    """Runs the test file ``tests`` once, in a fresh interpreter, against ``url``.

    Every run is made the same way, whatever the variant: the same options, a copy of
    the ``.py`` files of the test folder alone (``conftest.py`` and the other test files
    left out: see ``left_out``), a temporary folder of its own, and an interpreter started
    isolated (``-I -S``: no environment variable, user site or start-up code of the
    environment's ``.pth`` files runs) with the environment's site-packages given on stdin.
    """
    folder = root / tests.parent.name
    for path in tests.parent.rglob("*.py"):
        relative = path.relative_to(tests.parent)
        if "__pycache__" in relative.parts or left_out(path, tests):
            continue
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / relative)
    temporary = root / "tmp"
    temporary.mkdir()
    # The browser finder, alone: the run needs nothing else of the site's module.
    launcher = root / "launch"
    launcher.mkdir()
    shutil.copyfile(
        Path(__file__).with_name("e2e_site.py"), launcher / "e2e_site_launch.py"
    )
    token = secrets.token_hex(16)
    args = {
        "tests": str(root),
        "site": str(launcher),
        "url": url,
        "file": str(folder / tests.name),
        "pytest": [
            *PYTEST_ARGS,
            f"--rootdir={root}",
            "-c",
            os.devnull,
            "--base-url",
            url,
            "--browser",
            "chromium",
            "--output",
            str(root / "results"),
            # One failure settles a run: the site's and an equivalent's must have none.
            "--exitfirst",
        ],
        "packages": packages(),
        "token": token,
        "expect_timeout": EXPECT_TIMEOUT_MS,
        "action_timeout": ACTION_TIMEOUT_MS,
    }
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "PYTHON", "COV_", "COVERAGE_"))
    }
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    for name in ("TMPDIR", "TEMP", "TMP"):
        env[name] = str(temporary)
    # A session of its own, so that a run past its time is stopped with its browser.
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", BOOTSTRAP],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(
            json.dumps(args) + "\n", timeout=RUN_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        stop(process)
        process.communicate()
        return Tally(ended=f"did not finish within {RUN_TIMEOUT} seconds")
    finally:
        stop(process)
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return read_report(done, token)


# pytest's default names of test modules (its ``python_files`` option).
TEST_MODULES = ("test_*.py", "*_test.py")


def left_out(path: Path, tests: Path) -> bool:
    """Whether a run of the test file ``tests`` leaves ``path``, a file of its folder, out:
    a ``conftest.py``, or a test module other than ``tests`` (by pytest's default names).

    Each test file is judged alone, with the helpers beside it: so its verdict depends on
    it, its helpers and the site, and a new test file for the next task leaves the verdicts
    of the earlier ones standing (``VerdictCache``).
    """
    if path.name == "conftest.py":
        return True
    return path.resolve() != tests.resolve() and any(
        fnmatch.fnmatchcase(path.name, pattern) for pattern in TEST_MODULES
    )


def packages() -> list[str]:
    """The site-packages folders of this interpreter's import path, for a run's."""
    return [
        folder
        for folder in sys.path
        if Path(folder).name in {"site-packages", "dist-packages"}
    ]


def stop(process: subprocess.Popen[str]) -> None:
    """Kills ``process`` with what it started (its browser), where the system allows."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()


def read_report(done: subprocess.CompletedProcess[str], token: str) -> Tally:
    """The tally a run wrote after its token; ended when it wrote none."""
    printed = done.stdout.splitlines()
    lines = [line[len(token) :] for line in printed if line.startswith(token)]
    shown = "\n".join(line for line in printed if not line.startswith(token))
    output = (shown + "\n" + done.stderr).strip()[-4000:]
    if len(lines) != 1:
        return Tally(
            ended=f"ended without a report (exit {done.returncode})", output=output
        )
    return Tally(**json.loads(lines[0]), output=output)


def judge(tests: Path, equivalents: Iterable[str], mutants: Iterable[str]) -> Verdict:
    """The learner's ``tests`` on the site, the named ``equivalents`` and ``mutants``.

    Stops after the site when the tests do not pass on it: nothing else can be read then.
    The verdict is kept in the environment (see ``VerdictCache``): a check that finds the
    same tests, site and tools as an earlier one reads its verdict instead of running the
    variants again.
    """
    same = [EQUIVALENTS[name] for name in equivalents]
    planted = [MUTANTS[name] for name in mutants]
    cache = VerdictCache.for_runs(tests, [*same, *planted])
    kept = cache.read(planted) if cache else None
    if kept is not None:
        return kept
    verdict = run_variants(tests, same, planted)
    if cache:
        cache.write(verdict)
    return verdict


def run_variants(tests: Path, same: list[Variant], planted: list[Variant]) -> Verdict:
    """Runs the learner's tests on every variant: the work ``judge`` keeps a verdict of."""
    with tempfile.TemporaryDirectory(prefix="e2e-data-") as scratch:
        needed = {False} | {variant.busy for variant in [*same, *planted]}
        databases = {busy: Path(scratch) / f"site-{busy}.sqlite3" for busy in needed}
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda busy: make(databases[busy], busy=busy), databases))
            reference = run(tests, REFERENCE, databases)
            if not reference.all_passed:
                return Verdict(reference, {}, planted)
            # The site again, among the others, and all in an order no run can foresee:
            # a test that tells the first run from the rest (a mark left outside its
            # folder, a count) must then fail on the site itself.
            variants = [*same, *planted, REFERENCE]
            random.SystemRandom().shuffle(variants)
            tallies = list(pool.map(lambda v: run(tests, v, databases), variants))
    by_variant = dict(zip(variants, tallies, strict=True))
    again = by_variant[REFERENCE]
    if not again.all_passed:
        again.ended = again.ended or "passed on the site's first run, not on its second"
        return Verdict(again, {}, planted)
    equivalents = {variant.name: by_variant[variant] for variant in same}
    survivors = [variant for variant in planted if not by_variant[variant].caught]
    return Verdict(reference, equivalents, survivors)


# Where verdicts are kept: in the project's environment, beside mypy's cache. A fresh
# environment has none, so a grade from a fresh clone never depends on it; the
# environment's files are trusted as its installed packages are (docs/grading.md).
CACHE = Path(sys.prefix) / ".skillforge-cache" / "e2e"

# What the digest of the site leaves out: what Python and the tools write beside it.
LEFT_OUT = ("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache")


@dataclass(frozen=True)
class VerdictCache:
    """One verdict of ``judge``, kept under the digest of everything its runs read.

    The digest covers the learner's test folder as ``run_tests`` copies it (names and
    bytes: the test file and its helpers, not the other test files), the site (every file of the project's ``src/``), the checks' own code (this
    file, the proxy with its variants, the site's launcher), the variants asked for, and
    the interpreter with the versions of Django, pytest and Playwright. A change to any of
    them is a new digest, so a verdict is only reused for the very runs that made it.
    """

    path: Path

    @classmethod
    def for_runs(cls, tests: Path, variants: list[Variant]) -> VerdictCache | None:
        """The cache entry of these runs; None when their input cannot be pinned down
        (a link in the test folder or the site)."""
        here = Path(__file__).resolve().parent
        source = here.parents[1] / "src"
        hasher = hashlib.sha256()

        def add(*texts: str | bytes) -> None:
            for text in texts:
                data = text.encode() if isinstance(text, str) else text
                hasher.update(len(data).to_bytes(8, "big") + data)

        versions = [sys.version]
        for name in ("django", "pytest", "playwright", "pytest-playwright"):
            try:
                versions.append(importlib.metadata.version(name))
            except importlib.metadata.PackageNotFoundError:
                versions.append("-")
        add(*versions, tests.name, *(variant.name for variant in variants))
        for module in ("e2e_runner.py", "e2e_proxy.py", "e2e_site.py"):
            add(module, (here / module).read_bytes())
        for label, folder in (("tests", tests.parent), ("site", source)):
            files = tree(folder, LEFT_OUT)
            if files is None:
                return None
            for path in files:
                if label == "tests" and path.is_file() and left_out(path, tests):
                    continue
                name = f"{label}/{path.relative_to(folder).as_posix()}"
                add(name, path.read_bytes() if path.is_file() else b"/")
        return cls(CACHE / f"{hasher.hexdigest()}.json")

    def read(self, planted: list[Variant]) -> Verdict | None:
        """The kept verdict, or None when there is none (or it cannot be read)."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
            survivors = set(kept["survivors"])
            return Verdict(
                reference=Tally(**kept["reference"]),
                equivalents={
                    name: Tally(**tally) for name, tally in kept["equivalents"].items()
                },
                survivors=[variant for variant in planted if variant.name in survivors],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, verdict: Verdict) -> None:
        """Keeps ``verdict``, unless the run on the site or on an equivalent ended early:
        a time limit met on a busy machine says something of that moment, not of the
        tests. A read-only environment keeps nothing, silently."""
        tallies = [verdict.reference, *verdict.equivalents.values()]
        if any(tally.ended for tally in tallies):
            return
        kept = {
            "reference": asdict(verdict.reference),
            "equivalents": {
                name: asdict(tally) for name, tally in verdict.equivalents.items()
            },
            "survivors": [variant.name for variant in verdict.survivors],
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(kept), encoding="utf-8")
            partial.replace(self.path)
        except OSError:
            return


def tree(folder: Path, left_out: tuple[str, ...]) -> list[Path] | None:
    """Every file and folder under ``folder`` but ``left_out``, sorted; None with a link."""
    if folder.is_symlink() or not folder.is_dir():
        return None
    found: list[Path] = []
    ignore = shutil.ignore_patterns(*left_out)
    for top, folders, names in os.walk(folder):
        skipped = ignore(top, [*folders, *names])
        folders[:] = sorted(name for name in folders if name not in skipped)
        found.extend(
            Path(top, name) for name in [*folders, *names] if name not in skipped
        )
    if any(path.is_symlink() for path in found):
        return None
    return sorted(found)
