"""What the learner's browser tests may use: the scan run before they are.

A browser test earns its grade by driving the site as a visitor does and checking what a
visitor sees. The checks plant each fault between the browser and the site (see
``e2e_proxy.py``), so a test that reads the traffic, runs its own script in the page,
reads files or reaches into the runner could spot the planting, or the run, instead of
the fault. This scan names such uses before anything runs, so the learner reads which
line to change and why. It reads every ``.py`` file of the folder but ``conftest.py``
(helpers too: a test file can import them, but not another test file, since each runs
alone; only ``.py`` files are copied for a run).

Imports are allowed from a list, since a browser test needs few modules; what the
allowed ones give that reaches past the browser is refused by name: Playwright's script
engine and network, other browsers than the checks' own, private attributes, and the
fixtures that reach pytest's own state.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

TRAFFIC = "reads the traffic instead of what the page shows"
SCRIPT = "runs its own script in the page instead of using it as a visitor"
BROWSER = "the checks launch the browser: use the page, browser or new_context fixtures"
RUNNER = "reaches into the runner instead of testing the site"
SKIPS = "a skipped test proves nothing"

# The modules a browser test may import, exactly, and its own helpers beside it
# (``from . import pages``, ``from e2e.pages import ...``).
ALLOWED = {
    "__future__",
    "collections",
    "collections.abc",
    "contextlib",
    "copy",
    "dataclasses",
    "datetime",
    "enum",
    "functools",
    "itertools",
    "math",
    "random",
    "re",
    "textwrap",
    "typing",
    "uuid",
    "pytest",
    "playwright.sync_api",
    "pytest_playwright.pytest_playwright",
}
OWN = "e2e"

# Why some modules are not on the list, for the message.
WHY_NOT = {
    "time": "wait with expect(), which waits for what you expect, never for a fixed time",
    "asyncio": "the checks run Playwright's sync API: use playwright.sync_api",
    "playwright.async_api": "the checks run Playwright's sync API: use playwright.sync_api",
}

# Attributes refused wherever they appear (and as names imported with ``from``).
ATTRIBUTES = {
    "evaluate": SCRIPT,
    "evaluate_all": SCRIPT,
    "evaluate_handle": SCRIPT,
    "eval_on_selector": SCRIPT,
    "eval_on_selector_all": SCRIPT,
    "wait_for_function": SCRIPT,
    "add_init_script": SCRIPT,
    "add_script_tag": SCRIPT,
    "expose_function": SCRIPT,
    "expose_binding": SCRIPT,
    "set_content": SCRIPT,
    "new_cdp_session": SCRIPT,
    "new_browser_cdp_session": SCRIPT,
    "route": TRAFFIC,
    "route_from_har": TRAFFIC,
    "route_web_socket": TRAFFIC,
    "unroute": TRAFFIC,
    "unroute_all": TRAFFIC,
    "request": TRAFFIC,
    "on": TRAFFIC,
    "once": TRAFFIC,
    "remove_listener": TRAFFIC,
    "expect_response": TRAFFIC,
    "expect_request": TRAFFIC,
    "expect_event": TRAFFIC,
    "wait_for_event": TRAFFIC,
    "wait_for_response": TRAFFIC,
    "wait_for_request": TRAFFIC,
    "text": TRAFFIC,
    "body": TRAFFIC,
    "json": TRAFFIC,
    "headers": TRAFFIC,
    "all_headers": TRAFFIC,
    "header_value": TRAFFIC,
    "header_values": TRAFFIC,
    "headers_array": TRAFFIC,
    "tracing": TRAFFIC,
    "content": "the page's markup is not what a visitor sees: use locators",
    "inner_html": "the page's markup is not what a visitor sees: use locators",
    "launch": BROWSER,
    "launch_persistent_context": BROWSER,
    "launch_server": BROWSER,
    "connect": BROWSER,
    "connect_over_cdp": BROWSER,
    "browser_type": BROWSER,
    "set_options": "the checks set how long expect() waits",
    "set_default_timeout": "the checks set how long an action waits",
    "set_default_navigation_timeout": "the checks set how long an action waits",
    "expect_request_finished": TRAFFIC,
    "timing": TRAFFIC,
    "storage_state": "a test starts from what it does in the browser, not from a saved state",
    "set_input_files": "reading files is not what this site's visitors do",
    "main": RUNNER,
    "config": RUNNER,
    "f_back": RUNNER,
    "f_globals": RUNNER,
    "f_locals": RUNNER,
    "f_builtins": RUNNER,
    "tb_frame": RUNNER,
    "gi_frame": RUNNER,
    "cr_frame": RUNNER,
    "ag_frame": RUNNER,
    "methodcaller": RUNNER,
    "attrgetter": RUNNER,
    # pytest's classes that reach its state or patch by a dotted name (``MonkeyPatch()``),
    # typing's evaluation of strings, and a Playwright of the test's own (its selector
    # engines run scripts in the page).
    "MonkeyPatch": RUNNER,
    "Pytester": RUNNER,
    "TempPathFactory": RUNNER,
    "Cache": RUNNER,
    "Config": RUNNER,
    "Session": RUNNER,
    "Item": RUNNER,
    "Function": RUNNER,
    "PytestPluginManager": RUNNER,
    "register_assert_rewrite": RUNNER,
    "get_type_hints": RUNNER,
    "ForwardRef": RUNNER,
    "sync_playwright": BROWSER,
    "selectors": SCRIPT,
    "getfixturevalue": RUNNER,
    "skip": SKIPS,
    "skipif": SKIPS,
    "xfail": SKIPS,
    "importorskip": SKIPS,
}

# Built-in functions refused by name.
BUILTINS = {
    "eval",
    "exec",
    "compile",
    "vars",
    "globals",
    "locals",
    "getattr",
    "setattr",
    "delattr",
    "open",
    "input",
    "breakpoint",
    "memoryview",
}

# pytest's and Playwright's fixtures that reach past the page: the run's configuration,
# other fixtures by name, patching, files, and the browser's launcher.
FIXTURES = {
    "request": RUNNER,
    "pytestconfig": RUNNER,
    "monkeypatch": RUNNER,
    "pytester": RUNNER,
    "testdir": RUNNER,
    "tmp_path": RUNNER,
    "tmp_path_factory": RUNNER,
    "tmpdir": RUNNER,
    "tmpdir_factory": RUNNER,
    "cache": RUNNER,
    "doctest_namespace": RUNNER,
    "playwright": BROWSER,
    "browser_type": BROWSER,
    "browser_type_launch_args": BROWSER,
    "launch_browser": BROWSER,
    "connect_options": BROWSER,
}

# Keyword arguments that record the traffic, write files, or keep the page's scripts
# from running.
KEYWORDS = {
    "path": "a test keeps what it sees in the test, not in files",
    "record_video_dir": "a test keeps what it sees in the test, not in files",
    "storage_state": "a test starts from what it does in the browser, not from a saved state",
    "record_har_path": TRAFFIC,
    "record_har_content": TRAFFIC,
    "record_har_url_filter": TRAFFIC,
    "java_script_enabled": "the site needs its JavaScript: test it as visitors have it",
}

# Fixtures the checks provide, which a test file may use but not define.
PROVIDED = {
    "base_url",
    "browser",
    "browser_name",
    "browser_context_args",
    "context",
    "new_context",
    "page",
    *FIXTURES,
}

# Schemes of pages that are not the site's, and markup that would run in one.
SCHEMES = (
    "view-source:",
    "javascript:",
    "data:",
    "file:",
    "blob:",
    "chrome:",
    "about:",
    "<script",
)


# Modules an allowed module holds as attributes (``contextlib.os``, ``typing.sys``), and
# others a test has no use for: reached that way, they would be imports off the list.
MODULE_NAMES = {
    "os",
    "sys",
    "builtins",
    "inspect",
    "operator",
    "gc",
    "types",
    "importlib",
    "shutil",
    "tempfile",
    "subprocess",
    "io",
    "socket",
    "urllib",
    "http",
    "pathlib",
    "ctypes",
    "posix",
    "nt",
    "marshal",
    "pickle",
    "threading",
    "multiprocessing",
    "signal",
    "runpy",
    "pkgutil",
    "sqlite3",
    "string",
    "time",
    "json",
    "asyncio",
    "warnings",
    "weakref",
    "linecache",
    "traceback",
    "copyreg",
    "abc",
    "codecs",
    "zipimport",
    "site",
}


@functools.cache
def module_attributes() -> frozenset[str]:
    """The names under which the allowed modules hold other modules, and MODULE_NAMES."""
    found = set(MODULE_NAMES)
    for name in ALLOWED:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        found.update(
            key for key, value in vars(module).items() if inspect.ismodule(value)
        )
    # A module a test may import anyway is no way round the list (and ``d.copy()`` stays).
    return frozenset(found - {name.split(".")[0] for name in ALLOWED} | {"playwright"})


def scan_folder(folder: Path) -> list[str]:
    """Each refused use in the folder's ``.py`` files, as ``file line N: what (why)``."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        if path.name == "conftest.py" or "__pycache__" in path.parts:
            continue
        where = path.relative_to(folder.parent).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as error:
            found.append(f"{where} line {error.lineno}: does not parse ({error.msg})")
            continue
        found += [
            f"{where} line {line}: {why}" for line, why in sorted(set(scan(tree)))
        ]
    return found


# Why a test file may not import another: the checks run each test file alone.
ALONE = (
    "another test file: the checks run each test file alone, without the others; move"
    " what they share into a module beside them whose name does not start with test_"
    " (e2e/visitors.py, say)"
)


def scan(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """The line and the reason of each refused use in a parsed file."""
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        for module in test_files(node):
            yield line, f"import {module} ({ALONE})"
        for module in imported(node):
            if test_module(module.rsplit(".", 1)[-1]):
                continue
            if not allowed(module):
                why = WHY_NOT.get(module) or WHY_NOT.get(module.split(".")[0])
                yield (
                    line,
                    f"import {module} ({why or 'not a module a browser test needs'})",
                )
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in ATTRIBUTES or alias.name.startswith("_"):
                    yield line, f"{alias.name} ({ATTRIBUTES.get(alias.name, RUNNER)})"
                elif node.level == 0 and alias.name in module_attributes():
                    yield (
                        line,
                        f"{alias.name} (a module reached through another: {RUNNER})",
                    )
        if isinstance(node, ast.Attribute):
            if node.attr.startswith("_"):
                yield line, f".{node.attr} (private: {RUNNER})"
            elif node.attr in ATTRIBUTES:
                yield line, f".{node.attr} ({ATTRIBUTES[node.attr]})"
            elif node.attr in module_attributes():
                yield line, f".{node.attr} (a module reached through another: {RUNNER})"
        if isinstance(node, ast.Name) and (
            node.id in BUILTINS or node.id.startswith("__")
        ):
            yield line, f"{node.id} ({RUNNER})"
        if isinstance(node, ast.arg) and node.arg in FIXTURES:
            yield line, f"the {node.arg} fixture ({FIXTURES[node.arg]})"
        if isinstance(node, ast.keyword) and node.arg in KEYWORDS:
            yield line, f"{node.arg}= ({KEYWORDS[node.arg]})"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "__" in node.value:
                yield line, f"{node.value[:40]!r} (a dunder in a string: {RUNNER})"
            for scheme in SCHEMES:
                if scheme in node.value.lower():
                    yield (
                        line,
                        f"{scheme} in a string (a page of the site is all a test opens)",
                    )
        if isinstance(node, ast.keyword) and node.arg == "name":
            named = node.value
            if isinstance(named, ast.Constant) and named.value in PROVIDED:
                yield line, provided(named.value)
    for node in top_level(tree):
        for name in defined(node):
            if name.startswith("pytest_"):
                yield node.lineno, f"{name} (a pytest hook or plugin list: {RUNNER})"
            elif name in PROVIDED:
                yield node.lineno, provided(name)


def provided(name: str) -> str:
    return (
        f"{name} (a fixture the checks provide: take it as an argument, never define "
        "it, under its name or with name=)"
    )


def top_level(tree: ast.AST) -> Iterator[ast.stmt]:
    """The statements of a module and of its classes, where pytest finds fixtures."""
    body = getattr(tree, "body", [])
    for statement in body:
        yield statement
        if isinstance(statement, ast.ClassDef):
            yield from top_level(statement)


def defined(node: ast.stmt) -> list[str]:
    """The names a statement defines, whatever decorates them: functions, classes and
    names assigned."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [
            t.id
            for target in targets
            for t in ast.walk(target)
            if isinstance(t, ast.Name)
        ]
    return []


def imported(node: ast.AST) -> list[str]:
    """The modules an import names: ``import a.b`` gives a.b, ``from a import b`` a.

    A relative import (``from . import pages``) gives nothing: it stays in the folder.
    """
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and not node.level:
        return [node.module or ""]
    return []


def test_module(name: str) -> bool:
    """Whether ``name`` is a test module's by pytest's default names (``test_*``,
    ``*_test``)."""
    return name.startswith("test_") or name.endswith("_test")


def test_files(node: ast.AST) -> list[str]:
    """The test modules an import names, relative ones included: ``import test_a``,
    ``from .test_a import f``, ``from . import test_a``, ``from e2e.test_a import f``."""
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = "." * node.level + (node.module or "")
        named = [base] if node.module else []
        if not node.module or node.module == OWN:
            named += [f"{base}.{alias.name}".replace("..", ".") for alias in node.names]
    else:
        return []
    return [name for name in named if test_module(name.rsplit(".", 1)[-1])]


def allowed(module: str) -> bool:
    return module in ALLOWED or module == OWN or module.startswith(OWN + ".")
