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
folder that temporary folder. A test that tells variants apart by anything but their
behaviour (reading the source, hashing code objects, looking at paths) fails on an
equivalent. The run on the reference measures the module's line coverage with
coverage.py.
"""

import ast
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# The code each run executes: put the copy first on the import path (and the
# project's own package out of reach), start coverage when asked, import the
# package to prove it is the copy, run the tests, and write the tally as JSON.
BOOTSTRAP = r"""
import json, os, sys
args = json.loads(sys.argv[1])
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
with open(args["report"], "w", encoding="utf-8") as out:
    json.dump(tally, out)
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


def package_dir(package: str) -> Path:
    """The folder of the project's package, as it is imported."""
    location = importlib.import_module(package).__file__
    assert location, f"{package} has no __file__"
    return Path(location).resolve().parent


def digest(text: str) -> str:
    """The sha256 of a module's text, line endings made LF."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest()


def run(package: str, target: Target, source: str, *, measure: bool = False) -> Tally:
    """Runs the learner's tests once, with ``source`` as the module under test."""
    with tempfile.TemporaryDirectory(prefix="craft-") as scratch:
        root = Path(scratch).resolve()
        copy = root / "code" / package
        shutil.copytree(
            package_dir(package),
            copy,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "conftest.py"),
        )
        module = copy / target.module
        module.write_text(source, encoding="utf-8")
        tests = root / target.tests.parent.name
        shutil.copytree(
            target.tests.parent,
            tests,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "conftest.py"),
        )
        report = root / "report.json"
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
            "report": str(report),
        }
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "PYTHON", "COV_", "COVERAGE_"))
        }
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        try:
            done = subprocess.run(
                [sys.executable, "-c", BOOTSTRAP, json.dumps(args)],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Tally(ended=f"did not finish within {RUN_TIMEOUT} seconds")
        output = (done.stdout + done.stderr)[-3000:]
        if not report.is_file():
            return Tally(
                ended=f"ended without a report (exit {done.returncode})", output=output
            )
        tally = Tally(**json.loads(report.read_text(encoding="utf-8")), output=output)
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
                    f"your tests fail on {name}, a rewrite of the module that behaves "
                    f"exactly like it ({', '.join(tally.failures) or tally.ended}): "
                    "test what the code does, never how its source or code objects look"
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
    """Runs the learner's tests on the reference (measured), its equivalents and mutants."""
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


# What a test file may not look at: the source text, code objects, files, paths and
# the environment tell variants apart without testing what the code does.
FORBIDDEN = {
    "getsource": "inspect.getsource reads the source text",
    "getsourcelines": "inspect.getsourcelines reads the source text",
    "getsourcefile": "inspect.getsourcefile looks at files",
    "getfile": "inspect.getfile looks at files",
    "__code__": "__code__ looks at the compiled code",
    "__file__": "__file__ looks at where a module is",
    "__spec__": "__spec__ looks at where a module is",
    "__loader__": "__loader__ reads the module's source",
    "co_code": "co_code looks at the compiled code",
    "read_text": "reading files is not testing the code",
    "read_bytes": "reading files is not testing the code",
    "open": "reading files is not testing the code",
    "environ": "the environment is not the code under test",
    "getenv": "the environment is not the code under test",
    "linecache": "linecache reads the source text",
    "dis": "dis looks at the compiled code",
    "skip": "a skipped test proves nothing",
    "skipif": "a skipped test proves nothing",
    "skipTest": "a skipped test proves nothing",
    "xfail": "an expected failure proves nothing",
    "expectedFailure": "an expected failure proves nothing",
}


def forbidden(tree: ast.AST) -> list[str]:
    """Each use of a name of ``FORBIDDEN`` in a parsed test file, with its line."""
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.alias):
            name = node.name.rpartition(".")[2]
        if name in FORBIDDEN:
            line = getattr(node, "lineno", 0)
            found.append(f"line {line}: {name} ({FORBIDDEN[name]})")
    return found
