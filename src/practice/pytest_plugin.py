"""skillforge's pytest plugin: writes one JSON line per event to $SKILLFORGE_REPORT, so
`skillforge check` can follow the run, map every test to its task and stop a test that runs
too long.

Every string is made safe for JSON first: a message may hold text decoded with
`surrogateescape`, whose lone surrogates no JSON reader accepts, and a line check cannot read
must never hide a failure.
"""

import ast
import functools
import hashlib
import importlib.util
import inspect
import json
import linecache
import os
import signal
import sys
import textwrap
import threading

import pytest

_REPORT = open(os.environ.pop("SKILLFORGE_REPORT"), "a", encoding="utf-8", buffering=1)
# A secret skillforge sends on standard input: a line without it is not read, so code under
# test that finds the report file cannot write results into it. Standard input then ends.
_TOKEN = sys.stdin.readline().strip()
# Seconds one test may run (set-up, call and tear-down together); 0: no limit.
_TIMEOUT = float(os.environ.get("SKILLFORGE_TIMEOUT") or 0)
# `check --exitfirst`: the run stops after the first test that does not pass. Not pytest's
# own --exitfirst, which also stops at a file that fails to import, before the other files
# are even collected (their tasks would have no result at all).
_EXITFIRST = os.environ.pop("SKILLFORGE_EXITFIRST", "") == "1"
# A test has failed (or errored) in this run.
_ANY_FAILED = False
# Where the learner's code may live: tracebacks are searched for a frame in these.
_ROOTS = [
    os.path.realpath(p) for p in os.environ.get("SKILLFORGE_ROOTS", "").split(os.pathsep) if p
]
# Importing the tests' modules may take a while (a data science stack); a loop never ends.
_COLLECT_TIMEOUT = max(3 * _TIMEOUT, 30.0) if _TIMEOUT > 0 else 0
# The tests skillforge already has results for (a run after a kill): read now, before any
# code of the learner's runs, and removed.
_DESELECT_PATH = os.environ.pop("SKILLFORGE_DESELECT", "")
_DESELECT = set()
if _DESELECT_PATH:
    with open(_DESELECT_PATH, encoding="utf-8") as _file:
        _DESELECT = {line.rstrip("\n") for line in _file if line.strip()}
    os.remove(_DESELECT_PATH)
# The project's import package: the graded code must be the project's own, not a copy
# installed elsewhere.
_PACKAGE = os.environ.pop("SKILLFORGE_PACKAGE", "")
# The graded files by path relative to the sandbox, with their SHA-256: read before any code
# of the learner's runs, then the file is removed. Code under test that rewrites a test (or
# adds a conftest.py) while the tests are imported is caught by comparing against these.
_EXPECTED_PATH = os.environ.pop("SKILLFORGE_EXPECTED", "")
_EXPECTED = {}
if _EXPECTED_PATH:
    with open(_EXPECTED_PATH, encoding="utf-8") as _file:
        _EXPECTED = json.load(_file)
    os.remove(_EXPECTED_PATH)
_SANDBOX = os.getcwd()
# The longest text kept of one message or output: its start and its end.
_KEPT = 16 * 1024
# The alarm interrupts the main thread between bytecodes; without SIGALRM (Windows) the
# runner's own deadline stops the whole run instead.
_CAN_ALARM = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _safe(value):
    if isinstance(value, str):
        if len(value) > _KEPT:
            left = len(value) - _KEPT
            value = f"{value[:_KEPT // 4]}\n... {left} characters left out ...\n{value[-_KEPT // 2:]}"
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_safe(item) for item in value]
    return value


def _emit(event: dict) -> None:
    event = {"token": _TOKEN, **_safe(event)}
    _REPORT.write(json.dumps(event, ensure_ascii=True) + "\n")


class TimedOut(BaseException):
    """Raised in a test that ran past its time limit. A BaseException, so that a learner's
    `except Exception:` cannot swallow it and loop on."""


def _message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        return str(report.longrepr[-1]).removeprefix("Skipped: ")
    text = report.longreprtext.strip()
    return text.splitlines()[-1] if text else ""


# `_relative`'s answers by path. Resolving links reads the file system at each step, and the
# checks between tests ask again about every module and plugin: tens of thousands of times
# in a run that imports a large library (a second of a check). Kept for the run: the key is
# the path as given, so a module whose `__file__` is rebound is asked about afresh; only a
# link changed under the same path after its first answer goes unseen, and the code the
# path names was loaded, and judged, by then.
_RELATIVE = {}


def _relative(path: str):
    """`path` relative to the project when it lies in one of its roots, else None."""
    try:
        return _RELATIVE[path]
    except KeyError:
        pass
    _RELATIVE[path] = found = _resolve_relative(path)
    return found


def _resolve_relative(path: str):
    real = os.path.realpath(path)
    for root in _ROOTS:
        if real.startswith(root + os.sep):
            rel = os.path.relpath(real, root).replace(os.sep, "/")
            if not rel.startswith((".venv/", "venv/")) and "site-packages" not in rel:
                return rel
    return None


def _where(error: BaseException) -> str:
    """FILE:LINE of the project's own code where `error` arose, or "" when it arose elsewhere."""
    if isinstance(error, SyntaxError) and error.filename:
        rel = _relative(error.filename)
        if rel:
            return f"{rel}:{error.lineno or 0}"
    found = ""
    tb = error.__traceback__
    while tb is not None:
        rel = _relative(tb.tb_frame.f_code.co_filename)
        if rel and not rel.startswith("tests/"):
            found = f"{rel}:{tb.tb_lineno}"
        tb = tb.tb_next
    cause = error.__cause__ or error.__context__
    if not found and cause is not None and cause is not error:
        return _where(cause)
    return found


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text.splitlines()[0] if text.strip() else type(error).__name__


def _source(item) -> str:
    """The test function's source, for results.json's test_code; empty when unknown."""
    try:
        return textwrap.dedent(inspect.getsource(item.obj))
    except Exception:  # noqa: BLE001 - a report detail must never break the run
        return ""


def _frame_where(frame) -> str:
    """FILE:LINE of the innermost frame of the project's own code in a stack, or ""."""
    while frame is not None:
        rel = _relative(frame.f_code.co_filename)
        if rel and not rel.startswith("tests/"):
            return f"{rel}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


class _Alarm:
    """A time limit on the main thread: raises TimedOut where the code is when it runs out."""

    def __init__(self, what: str, seconds: float) -> None:
        self.what = what
        self.seconds = seconds
        self.fired = False

    def _ring(self, signum, frame):
        self.fired = True
        where = _frame_where(frame)
        at = f", at {where}" if where else ""
        self.message = f"{self.what} timed out after {self.seconds:g} s{at} (an endless loop?)"
        raise TimedOut(self.message)

    def __enter__(self):
        if _CAN_ALARM and self.seconds > 0:
            self.previous = signal.signal(signal.SIGALRM, self._ring)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if _CAN_ALARM and self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


_CURRENT = None  # the alarm of the running test
# Files in which a test timed out: their other tests are not run, as they would most likely
# wait out the limit too.
_TIMED_OUT_FILES = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # A conftest that imports the learner's code fails here, before any test is collected.
    with _Alarm("importing the tests' set-up", _COLLECT_TIMEOUT):
        outcome = yield
    error = outcome.excinfo[1] if outcome.excinfo else None
    if error is not None:
        cause = getattr(error, "cause", error)
        _emit({
            "event": "setup-error",
            "path": str(getattr(error, "path", "")),
            "message": _describe(cause),
            "where": _where(cause),
            "timeout": isinstance(cause, TimedOut),
        })


def _tampered() -> str:
    """A graded file that is not as skillforge wrote it (or a conftest.py it did not write),
    or "" when every one is."""
    if not _EXPECTED:
        return ""
    roots = {path.split("/")[0] for path in _EXPECTED if "/" in path}
    found = {}
    for top in roots:
        for folder, _dirs, files in os.walk(os.path.join(_SANDBOX, top)):
            for name in files:
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, _SANDBOX).replace(os.sep, "/")
                if "__pycache__" not in rel:
                    found[rel] = full
    if os.path.isfile(os.path.join(_SANDBOX, "conftest.py")):
        found["conftest.py"] = os.path.join(_SANDBOX, "conftest.py")
    for rel, digest in _EXPECTED.items():
        full = found.pop(rel, None)
        if full is None:
            return rel
        with open(full, "rb") as file:
            if hashlib.sha256(file.read()).hexdigest() != digest:
                return rel
    extra = [rel for rel in found if rel.endswith(".py")]
    return extra[0] if extra else ""


# Each collected test's code object, as collected: the code under test must not swap it.
_CODES = {}


def _code_of(item):
    function = getattr(item, "obj", None)
    function = getattr(function, "__func__", function)
    return getattr(function, "__code__", None)


def _swapped(item) -> bool:
    """Whether the test function of `item` is no longer the code pytest collected from its
    graded file."""
    expected = _CODES.get(item.nodeid)
    if expected is None:
        return False
    code = _code_of(item)
    return code is not expected or os.path.realpath(code.co_filename) != os.path.realpath(
        str(item.path)
    )


def _file_changed(path) -> bool:
    """Whether the graded file at `path` (absolute) differs from its digest."""
    rel = os.path.relpath(str(path), _SANDBOX).replace(os.sep, "/")
    digest = _EXPECTED.get(rel)
    if digest is None:
        return False
    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest() != digest
    except OSError:
        return True


def _foreign_code(tests_too: bool = True) -> str:
    """Why the code under test is not (only) the project's own, or "" when it is: start-up
    code of the project's (`sitecustomize`), the package or one of its modules loaded from
    outside the project, a pytest plugin or run hook of the project's code (`_intruder`),
    or (with `tests_too`) the graded tests changed."""
    for folder in sys.path:
        if not folder or _relative(os.path.join(folder, "x")) is None:
            continue
        for name in ("sitecustomize", "usercustomize"):
            for candidate in (name + ".py", os.path.join(name, "__init__.py")):
                path = os.path.join(folder, candidate)
                if os.path.isfile(path):
                    return (
                        f"{_relative(path)} runs when Python starts, before the tests: remove "
                        "it (start-up code can change how the tests run)"
                    )
    changed = _tampered() if tests_too else ""
    if changed:
        return (
            f"the code under test changed the tests it is graded with ({changed}); grading "
            "needs the tests as the blueprint ships them"
        )
    if not _PACKAGE:
        return _intruder()
    for name, module in list(sys.modules.items()):
        if name != _PACKAGE and not name.startswith(_PACKAGE + "."):
            continue
        path = getattr(module, "__file__", None) or ""
        if path and _relative(path) is None:
            return (
                f"the module {name} is imported from {path}, not from this project: install "
                "the project in editable mode (`python -m pip install -e .`) so that the tests "
                "run your code"
            )
    return _intruder()


# The hooks that run a test and report its result. A plugin, or an implementation of one of
# these hooks, whose code is the project's own (a hook wrapper that turns a failed report
# into a pass, registered when the package is imported) is refused: only the graded files
# (a conftest.py) may add them.
_RUN_HOOKS = (
    "pytest_runtest_protocol",
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_runtest_teardown",
    "pytest_runtest_makereport",
    "pytest_runtest_logreport",
    "pytest_report_teststatus",
    "pytest_pyfunc_call",
    "pytest_collection_modifyitems",
)
_MANAGER = None


def _defined_in(obj) -> str:
    """The file `obj` (a module, a class, an instance or a function) was defined in, or ""."""
    code = getattr(obj, "__code__", None)
    if code is not None:
        return code.co_filename
    path = getattr(obj, "__file__", None) if inspect.ismodule(obj) else None
    if path is None:
        owner = obj if inspect.isclass(obj) else type(obj)
        module = sys.modules.get(getattr(owner, "__module__", "") or "")
        path = getattr(module, "__file__", None)
    return path if isinstance(path, str) else ""


def _ungraded_own(obj) -> str:
    """The project-relative path of the project's own file that defined `obj`, when that
    file is not one of the graded ones; "" otherwise."""
    path = _defined_in(obj)
    rel = _relative(path) if path else None
    return rel if rel is not None and rel not in _EXPECTED else ""


def _machinery():
    """The objects that run a test and report its result, as (owner, name, where): pytest's
    reports and runner, pluggy's hook calls, and this plugin's own functions. A class's
    attribute is read from its `__dict__`, so one added later (a `__setattr__`) counts too."""
    import pluggy._callers
    import pluggy._hooks
    import pluggy._manager
    from _pytest import python, reports, runner, unittest

    hook_caller = getattr(pluggy._hooks, "HookCaller", None) or pluggy._hooks._HookCaller
    places = [
        (reports.BaseReport, ("passed", "failed", "skipped", "__setattr__")),
        (reports.TestReport, ("from_item_and_call", "__init__", "__setattr__")),
        (reports.CollectReport, ("__init__", "__setattr__")),
        (runner, ("call_and_report", "call_runtest_hook", "runtestprotocol")),
        (runner.CallInfo, ("from_call", "__init__")),
        (python.Function, ("runtest", "setup")),
        (python, ("pytest_pyfunc_call",)),
        (unittest.TestCaseFunction, ("runtest",)),
        (pluggy._callers, ("_multicall",)),
        (hook_caller, ("__call__",)),
        (pluggy._manager.PluginManager, ("_hookexec",)),
    ]
    found = []
    for owner, names in places:
        where = getattr(owner, "__qualname__", None) or owner.__name__
        for name in names:
            found.append((owner, name, f"{where}.{name}", _read(owner, name)))
    # This module's namespace (pytest_launch.py runs it without a place in sys.modules).
    own = globals()
    for name, value in list(own.items()):
        if inspect.isfunction(value) and value.__module__ == __name__:
            found.append((own, name, f"skillforge's plugin {name}", value))
    return found


def _read(owner, name):
    """`owner`'s attribute `name` as `_machinery` reads it, or None when it has none."""
    if isinstance(owner, dict):
        return owner.get(name)
    if inspect.isclass(owner):
        return owner.__dict__.get(name)
    return getattr(owner, name, None)


def _machinery_changed(kept) -> str:
    """The first of `kept` (what `_machinery` found before any code of the learner's ran)
    that is no longer the same object, or "" when none is."""
    for owner, name, where, value in kept:
        now = _read(owner, name)
        if now is not value and not _graded_origin(now):
            return where
    return ""


def _graded_origin(obj) -> bool:
    """Whether `obj` (a function, or a classmethod, property, partial or method around
    one) was defined in one of the graded files: the tests may change pytest, as they may
    add hooks; the project's own code may not."""
    for _ in range(8):
        inner = (
            getattr(obj, "__func__", None)
            or getattr(obj, "fget", None)
            or getattr(obj, "func", None)
        )
        if inner is None or inner is obj:
            break
        obj = inner
    path = _defined_in(obj) if obj is not None else ""
    return bool(path) and _relative(path) in _EXPECTED


# Reaching for objects the code was not given: searching the interpreter's objects (`gc`)
# or the stack's frames (`sys._getframe`, through `inspect` too), where the tests keep their
# servers, counters and fixtures. Python raises an audit event for each; the hook below
# (which cannot be removed once added) records the first one made from a file of the
# project's own, not from a library or the graded tests.
_REACHING = frozenset({
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "sys._getframe",
    "sys._current_frames",
})
_REACHED = []
_AUDITING = threading.local()


def _audit(event, args) -> None:
    if event not in _REACHING or _REACHED or getattr(_AUDITING, "busy", False):
        return
    # Reading a frame raises events of its own (and `sys._getframe` this very one).
    _AUDITING.busy = True
    try:
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__") == "inspect":
            frame = frame.f_back
        where = _own_file(frame.f_code.co_filename) if frame is not None else ""
        if where and not _calling_frame_reader(frame):
            _REACHED.append(f"{event}() in {where}, line {frame.f_lineno}")
    finally:
        _AUDITING.busy = False


# Libraries whose C code reads its caller's frames by design. DuckDB's replacement scan:
# a query naming a table that does not exist makes DuckDB call `inspect.currentframe()`
# and look for a Python variable of that name (a DataFrame to scan), so an honest query
# on a missing table would otherwise read as the project's code searching the stack.
_FRAME_READERS = frozenset({"duckdb", "_duckdb"})


def _calling_frame_reader(frame) -> bool:
    """Whether the project's `frame` is, at this instant, calling a function of the C code
    of one of `_FRAME_READERS`: the call expression at the frame's instruction, read from
    its source, names the function (through names and attributes looked up statically,
    running nothing of the project's). Only a C function counts, with no attributes of its
    own (so its `__module__` is its library's): a Python function, or a `partial` given a
    library's name, could be the project's way of calling `inspect.currentframe`."""
    try:
        code = frame.f_code
        first, last, start, end = list(code.co_positions())[frame.f_lasti // 2]
        lines = [linecache.getline(code.co_filename, n).encode() for n in range(first, last + 1)]
        text = b"".join(lines)
        source = text[start : len(text) - len(lines[-1]) + end].decode()
        call = ast.parse(f"({source})", mode="eval").body
        if not isinstance(call, ast.Call):
            return False
        callee = _static_value(call.func, frame)
    except Exception:  # no source, or a name that is not there: not a library's call
        return False
    module = getattr(callee, "__module__", None)
    return (
        callable(callee)
        and not hasattr(callee, "__dict__")
        and not hasattr(callee, "__code__")
        and isinstance(module, str)
        and module.split(".")[0] in _FRAME_READERS
    )


def _static_value(node, frame):
    """The object a name or a chain of attributes (`db.execute`) stands for in `frame`,
    found without running code (`inspect.getattr_static`); raises LookupError otherwise."""
    if isinstance(node, ast.Name):
        for space in (frame.f_locals, frame.f_globals, frame.f_builtins):
            if node.id in space:
                return space[node.id]
        raise LookupError(node.id)
    if isinstance(node, ast.Attribute):
        return inspect.getattr_static(_static_value(node.value, frame), node.attr)
    raise LookupError(type(node).__name__)


def _intruder() -> str:
    """Why pytest's plugins or run hooks hold code of the project's own, or pytest's machinery
    that runs and reports a test was changed, or the project's code reached for the tests'
    objects, or "" when none."""
    changed = _machinery_changed(_KEPT_MACHINERY)
    if changed:
        return (
            f"the code under test changed pytest's own code ({changed}): pytest decides "
            "which tests pass, so the project's code must leave it alone"
        )
    if _MANAGER is None or not _EXPECTED:
        return _reached()
    for name, plugin in _MANAGER.list_name_plugin():
        where = _ungraded_own(plugin) if plugin is not None else ""
        if where:
            return (
                f"the code under test registered a pytest plugin ({name}, from {where}): "
                "pytest's hooks decide which tests pass, so the project's code must leave "
                "them alone"
            )
    for hook in _RUN_HOOKS:
        for impl in getattr(_MANAGER.hook, hook).get_hookimpls():
            where = _ungraded_own(impl.function) or _ungraded_own(impl.plugin)
            if where:
                return (
                    f"the code under test added an implementation of pytest's {hook} hook "
                    f"({where}): pytest's hooks decide which tests pass, so the project's "
                    "code must leave them alone"
                )
    return _reached()


def _reached() -> str:
    """Why the run is refused when the project's code searched for the tests' objects
    (`_audit`), or ""."""
    if not _REACHED:
        return ""
    return (
        f"the code under test searched the interpreter for objects it was not given "
        f"({_REACHED[0]}): the tests' own objects (their servers, counters, data) are "
        "not for the code to read or change; work with what the task's functions receive"
    )


# The functions and classes of the graded modules (the test files and the support modules
# beside them), and the functions of those classes, as collected: (namespace, name, object,
# its code, where). Code under test that rebinds a test's helper (through `sys.modules`)
# would grade with a check of its own.
_GRADED_NAMES = []


def _keep_graded_names() -> None:
    """Fills `_GRADED_NAMES` from the graded modules imported by now."""
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        rel = _relative(path) if isinstance(path, str) else None
        if rel is None or rel not in _EXPECTED:
            continue
        spaces = [(vars(module), rel)]
        for value in list(vars(module).values()):
            if inspect.isclass(value) and value.__module__ == module.__name__:
                spaces.append((value.__dict__, f"{rel}: {value.__qualname__}"))
        for space, where in spaces:
            for name, value in list(space.items()):
                if inspect.isfunction(value) or (space is spaces[0][0] and inspect.isclass(value)):
                    code = getattr(value, "__code__", None)
                    _GRADED_NAMES.append((space, name, value, code, f"{where}: {name}"))


def _graded_names_changed() -> str:
    """The first of `_GRADED_NAMES` rebound, or whose code was swapped, or ""."""
    for space, name, value, code, where in _GRADED_NAMES:
        now = space.get(name)
        if now is not value or (code is not None and getattr(now, "__code__", None) is not code):
            return where
    return ""


# `_own_file`'s answers by file name: a library's walk meets each of its files many times.
_OWN_FILES = {}


def _own_file(filename: str) -> str:
    """`filename`'s path in the project when it is an ungraded file of the project's, or ""."""
    known = _OWN_FILES.get(filename)
    if known is None:
        # A frozen module's code names no file ("<frozen importlib._bootstrap>"), which
        # `_relative` would read as a path in the working folder.
        rel = _relative(filename) if os.path.isabs(filename) else None
        known = rel if rel is not None and rel not in _EXPECTED else ""
        _OWN_FILES[filename] = known
    return known


def _own_layer(obj) -> str:
    """The project-relative path of the ungraded file of the project's that defined `obj`
    or a function it wraps (a method, classmethod, property, partial or `functools.wraps`
    wrapper around one), or ""."""
    for _ in range(8):
        if obj is None:
            return ""
        if inspect.isfunction(obj):
            where = _own_file(obj.__code__.co_filename)
            if where:
                return where
        inner = (
            getattr(obj, "__func__", None)
            or getattr(obj, "fget", None)
            or getattr(obj, "func", None)
            or getattr(obj, "__wrapped__", None)
        )
        if inner is None or inner is obj:
            return ""
        obj = inner
    return ""


def _may_wrap(value) -> bool:
    """Whether `value` is a function or something that holds one as a method does."""
    return (
        inspect.isfunction(value)
        or inspect.ismethod(value)
        or isinstance(value, (classmethod, staticmethod, property, functools.partial))
        or (callable(value) and not isinstance(value, type) and hasattr(value, "__wrapped__"))
    )


def _own_stand_in(value) -> str:
    """The project-relative path of the ungraded file of the project's that defined the
    class of `value`, when `value` is an instance that stands in for a function (its class
    has `__call__`, or `__get__` as a descriptor does), or "". A library's `approx` or a
    driver's method replaced by such an object is a replaced function all the same."""
    if isinstance(value, type) or inspect.ismodule(value):
        return ""
    kind = type(value)
    # Where the class was defined first: `_own_file` keeps its answers, and most values a
    # library holds are of the libraries' own classes, whose ancestry need not be read.
    where = _own_file(_defined_in(kind))
    if not where:
        return ""
    if not any(name in vars(klass) for klass in kind.__mro__[:-1] for name in ("__call__", "__get__")):
        return ""
    return where


def _library_patched() -> str:
    """A function of the project's own (not of the graded tests) found in a library's
    namespace, as "module.Class.name (where it was defined)", or "". A library never holds
    the learner's functions by itself: one there replaced the library's own (a driver's
    `Cursor.execute` that fakes the rows, an ORM's method that hides a statement). Read from
    every imported module outside the project and the classes it defines; the project's
    instances and registries (routes, event listeners) are not namespaces, so are not read.
    Costs a walk over the imported modules: run after collection and at the end, not per
    test."""
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or _relative(path) is not None:
            continue
        try:
            space = dict(vars(module))
        except TypeError:
            continue
        spaces = [(name, space)]
        for value in space.values():
            if inspect.isclass(value) and getattr(value, "__module__", None) == name:
                spaces.append((f"{name}.{value.__qualname__}", dict(value.__dict__)))
        for owner, names in spaces:
            for attribute, value in names.items():
                try:
                    where = _own_layer(value) if _may_wrap(value) else _own_stand_in(value)
                except Exception:  # a lazy object of a library's that cannot be read
                    where = ""
                if where:
                    return f"{owner}.{attribute} (from {where})"
    return ""


def _library_refusal() -> str:
    """Why the run is refused when `_library_patched` finds something, or ""."""
    patched = _library_patched()
    if not patched:
        return ""
    return (
        f"the code under test replaced a library's own code: {patched}. The tests observe "
        "the libraries as they ship (a driver's statements, an ORM's rows), so the project's "
        "code must call them, not change them"
    )


def _refuse(why: str) -> None:
    _emit({"event": "setup-error", "path": "", "message": why, "where": ""})
    pytest.exit(why, returncode=4)


def _package_elsewhere() -> str:
    """Where the project's package is imported from, when that is not the project."""
    if not _PACKAGE:
        return ""
    try:
        spec = importlib.util.find_spec(_PACKAGE)
    except Exception:  # noqa: BLE001 - it fails to import: the tests will say so
        return ""
    if spec is None:
        return ""
    places = list(spec.submodule_search_locations or []) or [spec.origin or ""]
    outside = [p for p in places if p and _relative(p) is None]
    return outside[0] if outside else ""


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    elsewhere = _package_elsewhere()
    if elsewhere:
        _refuse(
            f"the package {_PACKAGE} is imported from {elsewhere}, not from this project: "
            "install the project in editable mode (`python -m pip install -e .`) so that the "
            "tests run your code"
        )
    global _MANAGER
    _MANAGER = session.config.pluginmanager
    why = _foreign_code()
    if why:
        _refuse(why)
    with _Alarm("importing the tests", _COLLECT_TIMEOUT):
        yield
    why = _foreign_code() or _library_refusal()
    if why:
        _refuse(why)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    if _DESELECT:
        kept = [item for item in items if item.nodeid not in _DESELECT]
        if len(kept) != len(items):
            config.hook.pytest_deselected(items=[i for i in items if i.nodeid in _DESELECT])
            items[:] = kept
    for item in items:
        code = _code_of(item)
        if code is not None:
            _CODES[item.nodeid] = code


def pytest_collection_finish(session) -> None:
    _keep_graded_names()
    _emit({"event": "collected", "count": len(session.items)})
    for item in session.items:
        _emit({"event": "source", "nodeid": item.nodeid, "code": _source(item)})


def pytest_exception_interact(node, call, report) -> None:
    # A test module that cannot be imported: say where in the learner's code it broke.
    if report.when == "collect" and call.excinfo is not None:
        error = call.excinfo.value
        # pytest wraps the import's own error in a CollectError.
        while type(error).__name__ == "CollectError" and error.__cause__ is not None:
            error = error.__cause__
        _emit({
            "event": "collect-where",
            "nodeid": report.nodeid,
            "message": _describe(error),
            "where": _where(error),
        })


def pytest_collectreport(report) -> None:
    # A module skipped as a whole (by the code it imports, say) has tests that never ran:
    # reported like one that failed to import, so its tasks cannot pass without them.
    if report.failed or (report.skipped and report.nodeid.endswith(".py")):
        _emit({
            "event": "collect-error",
            "nodeid": report.nodeid,
            "message": _message(report),
            "output": "" if report.skipped else report.longreprtext,
        })


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _CURRENT
    _emit({"event": "start", "nodeid": item.nodeid})
    with _Alarm("the test", _TIMEOUT) as alarm:
        _CURRENT = alarm
        try:
            yield
        finally:
            _CURRENT = None
    if alarm.fired:
        _TIMED_OUT_FILES.setdefault(str(item.path), item.nodeid)
    if _EXITFIRST and _ANY_FAILED:
        # pytest's run loop ends once this is set, and the session finishes as usual.
        item.session.shouldfail = "check --exitfirst: stopping at the first test that did not pass"
    # A test may import more of the package: it too must be the project's.
    why = _foreign_code(tests_too=False)
    if why:
        _refuse(why)
    # Checked once the test's teardown is done, so that a fixture's monkeypatch of a helper
    # has been undone: what is still rebound was rebound by the code under test.
    changed = _graded_names_changed()
    if changed:
        _refuse(
            f"the code under test changed the tests it is graded with ({changed} was "
            "replaced); grading needs the tests as the blueprint ships them"
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    earlier = _TIMED_OUT_FILES.get(str(item.path))
    if earlier is not None:
        pytest.skip(f"not run: {earlier} timed out, and the tests beside it would wait too")


def pytest_runtest_logreport(report, _kept=(), _changed=_machinery_changed) -> None:
    # A result is written only while pytest's hooks and machinery are the ones that made it.
    # The check and what it compares with are bound to this function at load (see the end of
    # the module), so a module global replaced later does not skip it.
    changed = _changed(_kept)
    why = _intruder() or (changed and f"the code under test changed pytest's own code ({changed})")
    if why:
        _refuse(why)
    outcome = report.outcome
    if hasattr(report, "wasxfail"):
        outcome = "skipped" if outcome == "skipped" else "passed"
    if outcome == "failed":
        global _ANY_FAILED
        _ANY_FAILED = True
    event = {"event": "phase", "nodeid": report.nodeid, "when": report.when, "outcome": outcome}
    if outcome != "passed":
        event["message"] = _message(report)
        # A skip's long report is only its (path, line, reason): nothing to show.
        event["output"] = "" if outcome == "skipped" else report.longreprtext
        if _CURRENT is not None and _CURRENT.fired:
            event["timeout"] = True
            event["message"] = _CURRENT.message
    if report.capstdout:
        event["stdout"] = report.capstdout
    _emit(event)


def pytest_sessionfinish(session, exitstatus) -> None:
    why = _foreign_code() or _library_refusal()
    if why:
        _emit({"event": "setup-error", "path": "", "message": why, "where": ""})
    # Every test has been reported: a process that does not end after this (a thread left
    # running) has nothing more to say.
    _emit({"event": "finished"})


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # A test module is checked right before and right after pytest imports it.
    module = str(getattr(collector, "path", "")).endswith(".py")
    if module and _file_changed(collector.path):
        _refuse(f"the code under test changed the tests it is graded with ({collector.nodeid})")
    yield
    if module and _file_changed(collector.path):
        _refuse(f"the code under test changed the tests it is graded with ({collector.nodeid})")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if _swapped(item):
        _refuse(f"the code under test replaced the test function {item.nodeid}")
    yield
    if _swapped(item):
        _refuse(f"the code under test replaced the test function {item.nodeid}")


# What runs and reports a test, as it is before any code of the learner's runs: the plugin
# is loaded before the conftest files and the tests import the project. Last, so that every
# function of this module is in it.
_KEPT_MACHINERY = _machinery()
pytest_runtest_logreport.__defaults__ = (_KEPT_MACHINERY, _machinery_changed)
sys.addaudithook(_audit)
