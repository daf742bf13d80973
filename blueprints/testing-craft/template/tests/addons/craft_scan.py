"""What the learner's test folder may not use: the scan run before the tests are.

A test earns its grade by running the code. The runs already defend against tests
that look instead (the rewrites and mutants have no source files, the runner's state
is out of the tests' reach); this scan names the ways in before anything runs, so
the learner reads which line to change and why. It reads every ``.py`` file of the
folder (helpers as well as test files: a test file can import any of them), and
looks at names, attributes, imports and string constants (with ``"a" + "b"`` and
``"".join([...])`` of constants joined first), since ``getattr(module, "name")``
reaches what a name would.

What honest tests of these tasks need stays allowed: ``hmac`` and ``hashlib`` for
webhook signatures, ``json``, ``http.server``, ``threading``, ``unittest.mock``,
``pytest``, and ``getattr`` with a plain string for its name.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

READS_CODE = "reads the code instead of running it"
RUNNER = "reaches into the runner instead of testing the code"
HIDES = "hides what it calls from this check"

# Modules whose every use looks at the code, the interpreter or files rather than
# running the code under test.
MODULES = {
    "inspect": READS_CODE,
    "dis": READS_CODE,
    "marshal": READS_CODE,
    "linecache": READS_CODE,
    "tokenize": READS_CODE,
    "ast": READS_CODE,
    "py_compile": READS_CODE,
    "compileall": READS_CODE,
    "zipimport": READS_CODE,
    "importlib": "importlib's loaders read modules as files",
    "pkgutil": "pkgutil reads a package's files",
    "runpy": "runpy runs modules as files",
    "fileinput": "reading files is not testing the code",
    "mmap": "reading files is not testing the code",
    "gc": "gc reaches every object of the process, the runner's among them",
    "ctypes": "ctypes reaches into the interpreter",
    "subprocess": "another process is not the code under test",
    "coverage": "coverage.py's measure belongs to the runner",
    "builtins": HIDES,
    "__main__": RUNNER,
}

# Names and attributes, wherever they appear (or as a string constant).
NAMES = {
    "__code__": "__code__ looks at the compiled code",
    "__file__": "__file__ looks at where a module is",
    "__cached__": "__cached__ looks at where a module is",
    "__spec__": "__spec__ looks at where a module is",
    "__loader__": "__loader__ reads the module's source",
    "__main__": RUNNER,
    "__globals__": RUNNER,
    "__closure__": RUNNER,
    "cell_contents": RUNNER,
    "__builtins__": HIDES,
    "__import__": HIDES,
    "__dict__": HIDES,
    "__getattribute__": HIDES,
    "__subclasses__": HIDES,
    "import_module": "importlib's loaders read modules as files",
    "attrgetter": HIDES,
    "methodcaller": HIDES,
    "getsource": "inspect.getsource reads the source text",
    "getsourcelines": "inspect.getsourcelines reads the source text",
    "getsourcefile": "inspect.getsourcefile looks at files",
    "getfile": "inspect.getfile looks at files",
    "read_text": "reading files is not testing the code",
    "read_bytes": "reading files is not testing the code",
    "open": "reading files is not testing the code",
    "get_data": "reading files is not testing the code",
    "FileIO": "reading files is not testing the code",
    "fdopen": "reading files is not testing the code",
    "__path__": "__path__ looks at where a package is",
    "argv": RUNNER,
    "orig_argv": RUNNER,
    "modules": RUNNER,
    "_getframe": RUNNER,
    "f_back": RUNNER,
    "f_globals": RUNNER,
    "f_locals": RUNNER,
    "tb_frame": RUNNER,
    "gi_frame": RUNNER,
    "settrace": RUNNER,
    "setprofile": RUNNER,
    "gettrace": RUNNER,
    "_exit": "os._exit ends the run before it is measured",
    "exit": "ending the run early skips the tests and the measure",
    "abort": "ending the run early skips the tests and the measure",
    "kill": "ending the run early skips the tests and the measure",
    "system": "another process is not the code under test",
    "popen": "another process is not the code under test",
    "environ": "the environment is not the code under test",
    "getenv": "the environment is not the code under test",
    "skip": "a skipped test proves nothing",
    "skipif": "a skipped test proves nothing",
    "skipTest": "a skipped test proves nothing",
    "xfail": "an expected failure proves nothing",
    "expectedFailure": "an expected failure proves nothing",
}

# Built-in functions refused by name only: ``re.compile`` is fine, ``compile`` is not.
BUILTINS = {
    "eval": HIDES,
    "exec": HIDES,
    "compile": HIDES,
    "vars": HIDES,
    "globals": HIDES,
    "locals": HIDES,
}

# Names of code objects' attributes: co_code, co_consts, co_filename, ...
CODE_ATTRIBUTE = re.compile(r"^co_[a-z]+$")

# Names that take an attribute's name as their second argument.
DYNAMIC = {"getattr", "setattr", "delattr"}


def scan_folder(folder: Path) -> list[str]:
    """Each forbidden use in the folder's ``.py`` files (``conftest.py`` is never run)."""
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
        uses = sorted(set(scan(tree)))
        found += [f"{where} line {line}: {why}" for line, why in uses]
    return found


def scan(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """The line and the reason of each forbidden use in a parsed file."""
    allowed = main_guards(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if id(node) in allowed:
            continue
        for word in words(node):
            why = reason(word, attribute=not isinstance(node, ast.Name))
            if why:
                yield line, f"{word} ({why})"
        if isinstance(node, ast.Call) and dynamic(node):
            yield line, f"{ast.unparse(node.func)} with a computed name ({HIDES})"
        if isinstance(node, ast.Call) and computed_template(node):
            yield line, f"{ast.unparse(node.func)} of a computed template ({HIDES})"
    for line in passed_around(tree):
        yield line, f"getattr and its kin passed around uncalled ({HIDES})"


def main_guards(tree: ast.AST) -> set[int]:
    """The ``"__main__"`` of each ``if __name__ == "__main__":``, which runs nothing here."""
    return {
        id(compare.comparators[0])
        for compare in ast.walk(tree)
        if isinstance(compare, ast.Compare)
        and isinstance(compare.left, ast.Name)
        and compare.left.id == "__name__"
        and len(compare.comparators) == 1
    }


def words(node: ast.AST) -> Iterator[str]:
    """The names a node uses: identifiers, imported modules, identifier-like strings."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.alias):
        yield from node.name.split(".")
    elif isinstance(node, ast.ImportFrom) and node.module:
        yield from node.module.split(".")
    elif isinstance(node, ast.Constant | ast.BinOp | ast.Call):
        text = constant_text(node)
        if text is None:
            return
        if re.fullmatch(r"\s*[\w.]+\s*", text):
            yield from text.strip().split(".")
        else:
            # Inside prose, only the words no prose uses: "{0.__code__}".format(f)
            # reaches an attribute as getattr does.
            yield from re.findall(r"__\w+__|\b(?:co|f|tb|gi)_\w+|getsource\w*", text)


def reason(word: str, *, attribute: bool) -> str | None:
    """Why ``word`` is refused, or None; ``attribute`` when not a plain name."""
    if word in MODULES:
        return f"{word}: {MODULES[word]}"
    if word in BUILTINS and not attribute:
        return BUILTINS[word]
    if word in NAMES:
        return NAMES[word]
    if CODE_ATTRIBUTE.match(word):
        return "a code object's attributes look at the compiled code"
    return None


def constant_text(node: ast.AST) -> str | None:
    """The string a node always makes: a constant, constants joined with + or join."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = constant_text(node.left), constant_text(node.right)
        if left is not None and right is not None:
            return left + right
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.List | ast.Tuple)
    ):
        glue = constant_text(node.func.value)
        parts = [constant_text(part) for part in node.args[0].elts]
        if glue is not None and all(part is not None for part in parts):
            return glue.join(part for part in parts if part is not None)
    return None


def dynamic(call: ast.Call) -> bool:
    """``getattr(x, name)`` with a name not written out as a plain string."""
    if not (isinstance(call.func, ast.Name) and call.func.id in DYNAMIC):
        return False
    return len(call.args) < 2 or not (
        isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
    )


def computed_template(call: ast.Call) -> bool:
    """``template.format(x)`` with a template not written out: fields reach attributes."""
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr in {"format", "format_map", "vformat"}
        and constant_text(call.func.value) is None
    )


def passed_around(tree: ast.AST) -> Iterator[int]:
    """Lines where getattr and its kin are used as values, not called."""
    called = {
        id(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in DYNAMIC and id(node) not in called:
            yield node.lineno
