"""Type-checking the learner's code the way the tasks ask: mypy --strict.

Type hints are a skill of the library tasks, so their tests run mypy on the
package, and on the task tests too: a test type-checks only if the package's
annotations say what the code really takes and returns.
"""

import ast
import os
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

# The task tests whose code is typed, and the module of the package each checks.
TYPED_TESTS = {
    "test_parse_versions.py": "version.py",
    "test_compare_versions.py": "version.py",
    "test_bump_versions.py": "version.py",
    "test_match_constraints.py": "constraints.py",
}
# mypy --strict, and stricter where the project's own configuration is: explicit
# Any is refused too. The project's configuration is not read (`--config-file=`),
# so that it cannot switch a check off.
MYPY = [
    "--config-file=",
    "--strict",
    "--disallow-any-explicit",
    "--warn-unreachable",
    "--enable-error-code=redundant-expr",
    "--enable-error-code=truthy-bool",
    "--enable-error-code=ignore-without-code",
    "--no-incremental",
    f"--cache-dir={os.devnull}",
    "--no-error-summary",
    "--no-pretty",
]
# Names that run code mypy never reads (a string) or reach into other modules'
# code at run time: the tests' own answers, for one.
RUN_TIME_CODE = {"exec", "eval", "compile", "__import__", "import_module"}
REACHING = {"_getframe", "f_back", "f_globals", "f_locals", "modules", "__builtins__"}
REACHING |= {"globals", "locals", "vars", "__dict__", "__globals__", "__subclasses__"}
REACHING_MODULES = {
    "importlib",
    "importlib.util",
    "inspect",
    "gc",
    "builtins",
    "ctypes",
}
# Constants that mypy takes as always true: code under `else:` is never checked.
ALWAYS_TRUE = {"TYPE_CHECKING", "MYPY"}
# Comments that silence a type checker: `# type: ignore`, `# mypy: ignore-errors`, ...
SILENCER = re.compile(r"#\s*(type:\s*ignore|mypy:|pyright:)")


@dataclass(frozen=True)
class TypingReport:
    """What mypy --strict says about the package and the typed task tests."""

    problems: dict[str, list[str]]
    """The lines of mypy's output, and the silencers found, by file."""

    def for_test(self, test_file: str) -> list[str]:
        """The problems in the code that the task of ``test_file`` writes or uses.

        That is its module of the package (``version.py``), the modules no task
        owns (``__init__.py``, any the learner adds), and the test file itself,
        whose code only type-checks if the package's annotations are right.
        """
        module = TYPED_TESTS[test_file]
        other_modules = set(TYPED_TESTS.values()) - {module}
        return [
            line
            for path, lines in sorted(self.problems.items())
            if (path.startswith("tests/") and Path(path).name == test_file)
            or (path.startswith("src/") and Path(path).name not in other_modules)
            for line in lines
        ]


def _test_modules(project_root: Path) -> set[str]:
    """The names under which the tests' modules can be imported."""
    tests = project_root / "tests"
    return {"tests", "conftest"} | {path.stem for path in tests.rglob("*.py")}


def _foreign_code(path: Path, relative: str, test_modules: set[str]) -> list[str]:
    """Code in ``path`` that reaches the tests' code, or runs code mypy never reads."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        line: int = getattr(node, "lineno", 0)
        imported: list[str] = []
        if isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            imported = [node.module]
        for module in imported:
            if module.partition(".")[0] in test_modules:
                found.append(
                    f"{relative}:{line}: `import {module}`: the package must "
                    "not use the tests' code; compute the answers yourself"
                )
            elif module in REACHING_MODULES:
                found.append(
                    f"{relative}:{line}: `import {module}`: the package must "
                    "not reach into other modules' code (the tests' code included)"
                )
        name = (
            node.id
            if isinstance(node, ast.Name)
            else node.attr
            if isinstance(node, ast.Attribute)
            else None
        )
        if isinstance(node, ast.Constant) and (
            node.value in REACHING | RUN_TIME_CODE | test_modules
        ):
            found.append(
                f"{relative}:{line}: the text {node.value!r} names code the package "
                "must not reach: the package must not use the tests' code"
            )
        if isinstance(node, ast.Name) and name in RUN_TIME_CODE:
            found.append(
                f"{relative}:{line}: `{name}` runs code that mypy never "
                "reads: write the code itself"
            )
        elif name in REACHING or (
            isinstance(node, ast.Attribute) and name == "import_module"
        ):
            found.append(
                f"{relative}:{line}: `{name}` reaches into other modules' "
                "code: the package must not use the tests' code"
            )
    return found


def _silencers(path: Path, relative: str) -> list[str]:
    """Comments and code that hide ``path`` from mypy."""
    found: list[str] = []
    text = path.read_text()
    with path.open("rb") as file:
        for token in tokenize.tokenize(file.readline):
            if token.type == tokenize.COMMENT and SILENCER.match(token.string):
                found.append(
                    f"{relative}:{token.start[0]}: `{token.string}` silences mypy: "
                    "fix the types instead"
                )
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name == "no_type_check":
                found.append(
                    f"{relative}:{node.lineno}: `no_type_check` hides code from mypy"
                )
        if isinstance(node, ast.ImportFrom) and any(
            alias.name == "no_type_check" for alias in node.names
        ):
            found.append(
                f"{relative}:{node.lineno}: `no_type_check`, under any name, "
                "hides code from mypy"
            )
        if isinstance(node, ast.Constant) and node.value == "no_type_check":
            found.append(
                f"{relative}:{node.lineno}: `no_type_check` hides code from mypy"
            )
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ALWAYS_TRUE:
                    found.append(
                        f"{relative}:{node.lineno}: mypy takes `{target.id}` as "
                        "always true, so it skips what runs: define functions and "
                        "classes once, without it"
                    )
        if isinstance(node, ast.If) and any(
            word in ast.unparse(node.test) for word in ALWAYS_TRUE
        ):
            hidden = [
                inner
                for inner in ast.walk(node)
                if isinstance(inner, ast.FunctionDef | ast.ClassDef)
            ]
            if hidden:
                found.append(
                    f"{relative}:{node.lineno}: code under `if TYPE_CHECKING:` is "
                    "not the code that runs: define functions and classes once"
                )
    return found


def check_types(project_root: Path) -> TypingReport:
    """Run mypy --strict on the package and the typed task tests; look for silencers."""
    packages = sorted(
        path.parent.relative_to(project_root)
        for path in (project_root / "src").glob("*/__init__.py")
    )
    # This module too: the task tests import it.
    tests = [Path("tests", "type_checks.py")] + [
        Path("tests", "tasks", name)
        for name in TYPED_TESTS
        if (project_root / "tests" / "tasks" / name).is_file()
    ]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *MYPY, *map(str, packages + tests)],
        cwd=project_root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    problems: dict[str, list[str]] = {}
    if result.returncode not in (0, 1):  # a crash or a usage error: blame every file
        output = (result.stdout + result.stderr).strip()
        for path in ["src/", *(f"tests/tasks/{name}" for name in TYPED_TESTS)]:
            problems[path] = [f"mypy could not run: {output}"]
        return TypingReport(problems)
    for line in result.stdout.splitlines():
        path = Path(line.partition(":")[0]).as_posix()
        problems.setdefault(path, []).append(line)
    test_modules = _test_modules(project_root)
    for package in packages:
        for module in sorted((project_root / package).rglob("*.py")):
            relative = module.relative_to(project_root).as_posix()
            problems.setdefault(relative, []).extend(_silencers(module, relative))
            problems[relative].extend(_foreign_code(module, relative, test_modules))
        for stub in sorted((project_root / package).rglob("*.pyi")):
            relative = stub.relative_to(project_root).as_posix()
            problems.setdefault(relative, []).append(
                f"{relative}: a stub beside the code: mypy reads the stub, never "
                "the code; annotate the code itself and delete the stub"
            )
    return TypingReport(problems)
