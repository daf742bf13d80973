"""Runs the learner's tests against the module they test, and against planted faults.

A good test suite passes on correct code and fails on wrong code. For each task the
learner's test file runs, in a fresh interpreter, once per *variant* of the module
under test:

- the reference, and one or two refactorings of it that behave the same (the
  *equivalents*): the tests must pass on each;
- *mutants*, each with one planted fault: the tests must fail on each.

Every variant runs the same way: a copy of the project's package in a new temporary
folder, with the variant's module in place, first on the import path; the test file
copied beside it (its folder's modules too, never a ``conftest.py``); the working
folder that temporary folder. Only the run on the reference has source files, for
coverage.py to measure the module's line coverage; the equivalents and mutants run
from sourceless ``.pyc`` files, so a test that reads the source instead of running
the code fails on an equivalent. The runner's own state (paths, the report) reaches
the run on stdin and never sits where the tests can reach it; the report comes back
after a secret token, and a measured report must count the module's statements as
this process does.
"""

import compileall
import hashlib
import importlib
import importlib.metadata
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The code each run executes. Everything it knows (where the copy is, the report's
# secret token) comes on stdin, which it reads and closes, and stays in the locals of
# one function that `__main__` no longer names while the tests run: nothing of the
# runner is a module global or an argument the tests could reach. It puts the copy
# first on the import path (and the project's own package out of reach), starts
# coverage when asked, imports the package to prove it is the copy, runs the tests,
# and writes the tally as one line of JSON after the token on a copy of stdout made
# before the tests ran. A run that ends early (os._exit, a crash) writes no line.
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
    sys.path[:] = [p for p in sys.path if not os.path.isdir(os.path.join(p or ".", args["package"]))]
    sys.path[0:0] = [args["root"], args["tests"]]
    tally = {"passed": 0, "failed": 0, "skipped": 0, "failures": [], "mock_checks": 0}
    if args["observe_mocks"]:
        # Count the checks made through a mock's assert methods.
        from unittest import mock

        def counted(original):
            def check(self, *positional, **named):
                tally["mock_checks"] += 1
                return original(self, *positional, **named)
            return check

        for name in dir(mock.NonCallableMock):
            if name.startswith("assert_"):
                original = getattr(mock.NonCallableMock, name)
                setattr(mock.NonCallableMock, name, counted(original))
    cov = None
    if args["coverage"]:
        import coverage
        cov = coverage.Coverage(data_file=None, config_file=False, include=[args["target"]])
        cov.start()
    import importlib
    package = importlib.import_module(args["package"])
    if not os.path.abspath(package.__file__).startswith(args["root"]):
        raise SystemExit("the package was imported from " + package.__file__)
    if args["runner"] == "unittest":
        import unittest
        import importlib.util
        spec = importlib.util.spec_from_file_location("learner_tests", args["file"])
        module = importlib.util.module_from_spec(spec)
        sys.modules["learner_tests"] = module
        spec.loader.exec_module(module)
        suite = unittest.defaultTestLoader.loadTestsFromModule(module)
        result = unittest.TextTestRunner(stream=sys.stderr, verbosity=2).run(suite)
        bad = result.failures + result.errors
        tally["failed"] = len(bad) + len(result.unexpectedSuccesses)
        tally["skipped"] = len(result.skipped) + len(result.expectedFailures)
        tally["passed"] = result.testsRun - tally["failed"] - tally["skipped"]
        tally["failures"] = [str(test) for test, _ in bad]
    else:
        import pytest

        class Tally:
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

        pytest.main(args["pytest"] + [args["file"]], plugins=[Tally()])
    if cov is not None:
        cov.stop()
        _, statements, _, missing, _ = cov.analysis2(args["target"])
        tally["statements"] = len(statements)
        tally["missing"] = sorted(missing)
    os.write(report, ("\n" + token + json.dumps(tally) + "\n").encode())
    os.close(report)

globals().pop("_main")()
"""

# How many runs go at once: each is a process that mostly waits on imports.
WORKERS = min(4, (os.cpu_count() or 1) + 1)

# Seconds one run may take: a test that hangs on a mutant has caught it, and the
# runs of a task must stay within the add-on's test-timeout.
RUN_TIMEOUT = 20

# pytest's options in each run: no configuration file of the project, no conftest.py,
# no cache, no plugin but pytest's own.
PYTEST_ARGS = ["-p", "no:cacheprovider", "--noconftest", "-q", "-o", "addopts="]


@dataclass(frozen=True)
class Variant:
    """A version of the module under test: the reference with ``edits`` made."""

    name: str
    says: str
    edits: tuple[tuple[str, str], ...] = ()

    def source(self, reference: str) -> str:
        for find, replace in self.edits:
            found = reference.count(find)
            if found != 1:
                raise AssertionError(
                    f"variant {self.name}: {find!r} is in the module {found} times, "
                    "not once: restore the module as the add-on ships it"
                )
            reference = reference.replace(find, replace)
        return reference


@dataclass
class Tally:
    """What one run of the learner's tests said."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    statements: int = 0
    missing: list[int] = field(default_factory=list)
    mock_checks: int = 0
    ended: str = ""
    output: str = ""

    @property
    def all_passed(self) -> bool:
        return self.passed > 0 and not (self.failed or self.skipped or self.ended)

    @property
    def caught(self) -> bool:
        """The run failed: a test failed, or the process ended without a report."""
        return self.failed > 0 or bool(self.ended)

    @property
    def coverage(self) -> float:
        if not self.statements:
            return 0.0
        return 100.0 * (self.statements - len(self.missing)) / self.statements


@dataclass(frozen=True)
class Target:
    """A task's module under test and the learner's test file for it."""

    module: str  # the module's path inside the package: "reliability/retry.py"
    tests: Path  # the learner's test file
    runner: str = "pytest"  # or "unittest"
    observe_mocks: bool = False  # count the calls of mocks' assert methods
    # The other modules of the copy, path inside the package to text. Only these and
    # the module under test are copied (with empty ``__init__.py`` files): the rest of
    # the learner's package never runs, so it cannot hold code that tells variants apart.
    others: Mapping[str, str] = field(default_factory=dict)


def package_dir(package: str) -> Path:
    """The folder of the project's package, as it is imported."""
    location = importlib.import_module(package).__file__
    assert location, f"{package} has no __file__"
    return Path(location).resolve().parent


def digest(text: str) -> str:
    """The sha256 of a module's text, line endings made LF."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest()


def run(package: str, target: Target, source: str, *, measure: bool = False) -> Tally:
    """Runs the learner's tests once, with ``source`` as the module under test.

    The measured run (the reference) keeps the package's source, which coverage.py
    reads; every other run has the package compiled to sourceless ``.pyc`` files, so
    a test that reads the source, rather than running the code, fails on the
    rewrites that behave the same.
    """
    with tempfile.TemporaryDirectory(prefix="craft-") as scratch:
        root = Path(scratch).resolve()
        copy = root / "code" / package
        for path, text in [*target.others.items(), (target.module, source)]:
            write_module(copy, path, text)
        module = copy / target.module
        if not measure:
            sourceless(copy)
        tests = root / target.tests.parent.name
        shutil.copytree(
            target.tests.parent,
            tests,
            ignore=shutil.ignore_patterns(*LEFT_OUT),
        )
        token = secrets.token_hex(16)
        args = {
            "root": str(root / "code"),
            "tests": str(tests),
            "package": package,
            "target": str(module),
            "runner": target.runner,
            "file": str(tests / target.tests.name),
            "pytest": [*PYTEST_ARGS, f"--rootdir={tests}", "-c", os.devnull],
            "coverage": measure,
            "observe_mocks": target.observe_mocks,
            "token": token,
        }
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "PYTHON", "COV_", "COVERAGE_"))
        }
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        try:
            done = subprocess.run(
                [sys.executable, "-c", BOOTSTRAP],
                input=json.dumps(args) + "\n",
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Tally(ended=f"did not finish within {RUN_TIMEOUT} seconds")
        return read_report(done, token, measure and statements_of(module))


def write_module(package: Path, path: str, text: str) -> None:
    """Writes ``text`` at ``path`` in ``package``, with an ``__init__.py`` in each folder."""
    module = package / path
    module.parent.mkdir(parents=True, exist_ok=True)
    module.write_text(text, encoding="utf-8")
    folder = module.parent
    while folder != package.parent:
        init = folder / "__init__.py"
        if not init.exists():
            init.write_text(
                '"""A copy for one run of the tests."""\n', encoding="utf-8"
            )
        folder = folder.parent


def sourceless(package: Path) -> None:
    """Compiles every module of ``package`` to a ``.pyc`` beside it, then drops the source."""
    if not compileall.compile_dir(package, quiet=2, legacy=True):
        raise AssertionError(f"a variant of {package.name} does not compile")
    for path in package.rglob("*.py"):
        path.unlink()


# Counts a module's statements as coverage.py does, in a process of its own: the
# checks import coverage.py nowhere else, only the runs do.
COUNT = r"""
import coverage, sys
measure = coverage.Coverage(data_file=None, config_file=False, include=[sys.argv[1]])
print(len(measure.analysis2(sys.argv[1])[1]))
"""


def statements_of(module: Path) -> int:
    """How many statements coverage.py counts in ``module``, counted apart from the run."""
    done = subprocess.run(
        [sys.executable, "-c", COUNT, str(module)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=True,
    )
    return int(done.stdout)


def read_report(
    done: "subprocess.CompletedProcess[str]", token: str, statements: int
) -> Tally:
    """The tally a run wrote after its token; ended when it wrote none.

    ``statements`` is the module's statement count when the run was measured (0 when
    not): a measured run must report coverage of exactly that many statements.
    """
    printed = done.stdout.splitlines()
    lines = [line[len(token) :] for line in printed if line.startswith(token)]
    shown = "\n".join(line for line in printed if not line.startswith(token))
    output = (shown + "\n" + done.stderr).strip()[-3000:]
    if len(lines) != 1:
        return Tally(
            ended=f"ended without a report (exit {done.returncode})", output=output
        )
    tally = Tally(**json.loads(lines[0]), output=output)
    if statements and tally.statements != statements:
        return Tally(
            ended=(
                f"ended without measuring the coverage of the module's {statements} "
                "statements"
            ),
            output=output,
        )
    return tally


@dataclass
class Verdict:
    """The learner's tests against every variant of one module."""

    reference: Tally
    equivalents: dict[str, Tally]
    survivors: list["Variant"]
    mutants: int

    def problems(self, threshold: float) -> Iterator[str]:
        """What is wrong with the tests, in plain words, for a failure message."""
        if not self.reference.all_passed:
            yield reference_problem(self.reference)
            return
        for name, tally in self.equivalents.items():
            if not tally.all_passed:
                yield (
                    f"your tests fail on {name}, a rewrite that behaves exactly like "
                    f"the code ({', '.join(tally.failures) or tally.ended}): do they "
                    "read the code instead of running it? The rewrites and mutants "
                    "run without source files: test what the code does"
                )
        for mutant in self.survivors:
            yield f"mutant '{mutant.name}' survives (every test passed): it {mutant.says}"
        if self.reference.coverage < threshold:
            yield (
                f"your tests run {self.reference.coverage:.0f}% of the module's lines, "
                f"under {threshold:.0f}%; never run: lines {self.reference.missing}"
            )


def reference_problem(tally: Tally) -> str:
    if tally.ended:
        return f"your tests did not run to the end: {tally.ended}\n{tally.output}"
    if tally.passed == 0 and not tally.failed:
        return (
            f"no test ran: write test functions (or TestCase methods)\n{tally.output}"
        )
    if tally.skipped:
        return (
            f"{tally.skipped} of your tests were skipped: a skipped test proves nothing"
        )
    return (
        "your tests must pass on the module as it ships, but these failed: "
        f"{', '.join(tally.failures)}\n{tally.output}"
    )


def judge(
    package: str,
    target: Target,
    reference: str,
    equivalents: list[Variant],
    mutants: list[Variant],
) -> Verdict:
    """Runs the learner's tests on the reference (measured), its equivalents and mutants.

    The verdict is kept in the environment (see ``VerdictCache``): a check that finds the
    same tests, modules and tools as an earlier one reads its verdict instead of running
    the variants again.
    """
    cache = VerdictCache.for_runs(target, reference, [*equivalents, *mutants])
    kept = cache.read(mutants) if cache else None
    if kept is not None:
        return kept
    verdict = run_variants(package, target, reference, equivalents, mutants)
    if cache:
        cache.write(verdict)
    return verdict


def run_variants(
    package: str,
    target: Target,
    reference: str,
    equivalents: list[Variant],
    mutants: list[Variant],
) -> Verdict:
    """Runs the learner's tests on every variant: the work ``judge`` keeps a verdict of."""
    first = run(package, target, reference, measure=True)
    if not first.all_passed:
        return Verdict(first, {}, [], len(mutants))
    variants = [*equivalents, *mutants]
    sources = [variant.source(reference) for variant in variants]
    # The runs are independent processes: run a few at once.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        tallies = list(pool.map(lambda source: run(package, target, source), sources))
    same = dict(zip((v.name for v in equivalents), tallies, strict=False))
    outcomes = zip(mutants, tallies[len(equivalents) :], strict=True)
    survivors = [mutant for mutant, tally in outcomes if not tally.caught]
    return Verdict(first, same, survivors, len(mutants))


# Where verdicts are kept: in the project's environment, beside mypy's cache. A fresh
# environment has none, so a grade from a fresh clone never depends on it; the
# environment's files are trusted as its installed packages are (docs/grading.md).
CACHE = Path(sys.prefix) / ".skillforge-cache" / "testing-craft"

# What a copy for a run leaves out of the learner's test folder (see ``run``).
LEFT_OUT = ("__pycache__", "*.pyc", "*.so", "*.pyd", "conftest.py")


@dataclass(frozen=True)
class VerdictCache:
    """One verdict of ``judge``, kept under the digest of everything its runs read.

    The digest covers the learner's test folder as ``run`` copies it (names and bytes),
    the modules copied beside the one under test, the source of every variant, the
    runner's own code (this file: the bootstrap, pytest's options, the time limit) and
    the interpreter with the versions of pytest and coverage.py. A change to any of
    them is a new digest, so a verdict is only reused for the very runs that made it.
    """

    path: Path

    @classmethod
    def for_runs(
        cls, target: Target, reference: str, variants: list[Variant]
    ) -> "VerdictCache | None":
        """The cache entry of these runs; None when their input cannot be pinned
        down (a link in the test folder) or there is no environment to keep it in."""
        folder = target.tests.parent
        if folder.is_symlink():
            return None
        files: list[Path] = []
        for top, folders, names in os.walk(folder):
            left_out = shutil.ignore_patterns(*LEFT_OUT)(top, [*folders, *names])
            folders[:] = sorted(name for name in folders if name not in left_out)
            files.extend(
                Path(top, name) for name in [*folders, *names] if name not in left_out
            )
        if any(path.is_symlink() for path in files):
            return None
        hasher = hashlib.sha256()

        def add(*texts: str | bytes) -> None:
            for text in texts:
                data = text.encode() if isinstance(text, str) else text
                hasher.update(len(data).to_bytes(8, "big") + data)

        versions = [sys.version]
        for name in ("pytest", "coverage"):
            try:
                versions.append(importlib.metadata.version(name))
            except importlib.metadata.PackageNotFoundError:
                versions.append("-")
        add(*versions, Path(__file__).read_bytes())
        add(target.module, target.tests.name, target.runner, str(target.observe_mocks))
        for module, text in sorted(target.others.items()):
            add(module, text)
        add(reference)
        for variant in variants:
            add(variant.name, variant.source(reference))
        for path in sorted(files):
            if path.is_file():
                add(str(path.relative_to(folder)), path.read_bytes())
            elif path.is_dir():
                add(str(path.relative_to(folder)) + "/")
        return cls(CACHE / f"{hasher.hexdigest()}.json")

    def read(self, mutants: list[Variant]) -> Verdict | None:
        """The kept verdict, or None when there is none (or it cannot be read)."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
            survivors = set(kept["survivors"])
            return Verdict(
                reference=Tally(**kept["reference"]),
                equivalents={
                    name: Tally(**tally) for name, tally in kept["equivalents"].items()
                },
                survivors=[m for m in mutants if m.name in survivors],
                mutants=kept["mutants"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, verdict: Verdict) -> None:
        """Keeps ``verdict``, unless the run on the code or on a rewrite ended early:
        a time limit met on a busy machine says something of that moment, not of the
        tests. (A mutant's run that ends early has caught it, as on any run.) A
        read-only environment keeps nothing, silently."""
        tallies = [verdict.reference, *verdict.equivalents.values()]
        if any(tally.ended for tally in tallies):
            return
        kept = {
            "reference": asdict(verdict.reference),
            "equivalents": {
                name: asdict(tally) for name, tally in verdict.equivalents.items()
            },
            "survivors": [mutant.name for mutant in verdict.survivors],
            "mutants": verdict.mutants,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(kept), encoding="utf-8")
            partial.replace(self.path)
        except OSError:
            return
