"""Starts pytest for `skillforge check` with skillforge's report plugin.

With $SKILLFORGE_REQUIREMENTS set (a JSON list of PEP 508 requirements: the dependencies the
blueprint declares), the run is graded: plugin autoloading is off, no PYTEST_* variable applies
(whatever set it, a `sitecustomize` of the project's included), and only the pytest plugins of
distributions installed in the interpreter's site-packages that those requirements bring in,
directly or not, are loaded. A plugin the learner installs, or a distribution's metadata they
put beside their code, cannot change a grade.
"""

import importlib.util
import json
import os
import site
import sys


def _installed():
    """The distributions in the interpreter's own site-packages, by normalised name."""
    from importlib import metadata

    from packaging.utils import canonicalize_name

    folders = [os.path.realpath(p) for p in site.getsitepackages()]
    found = {}
    for dist in metadata.distributions(path=folders):
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist)
    return found


def _required(requirements, installed):
    """The installed distributions `requirements` need, transitively."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    seen = set()
    todo = []
    for text in requirements:
        try:
            todo.append(Requirement(text))
        except InvalidRequirement:
            continue
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen or name not in installed:
            continue
        seen.add(key)
        extras = requirement.extras or {""}
        for text in installed[name].requires or []:
            try:
                sub = Requirement(text)
            except InvalidRequirement:
                continue
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    return {name for name, _ in seen}


def _allowed_plugins(requirements):
    installed = _installed()
    plugins = []
    for name in sorted(_required(requirements, installed)):
        for entry in installed[name].entry_points:
            if entry.group == "pytest11":
                plugins.append(entry.load())
    return plugins


def _site_packages_without_start_up_code():
    """Puts the environment's site-packages on the import path as `site` would, running none
    of the code their `.pth` files name.

    A graded run starts under `python -S`: `site` would execute every `import` line of every
    `.pth` file in site-packages before any code of skillforge's, and such a line can change
    pytest before the report plugin can see how it was. So this does what `site` does for a
    virtual environment (PEP 405: `pyvenv.cfg` beside the interpreter or one folder up sets
    `sys.prefix`) and adds each site-packages folder and the folders its `.pth` files name,
    in the order `site` would, but leaves out their `import` lines. The distributions we know
    of that have one (setuptools' `distutils-precedence.pth`) are not needed by a test run.
    """
    executable = os.environ.get("__PYVENV_LAUNCHER__", sys.executable)
    here = os.path.dirname(executable)
    prefixes = [sys.base_prefix]
    for folder in (here, os.path.dirname(here)):
        config = os.path.join(folder, "pyvenv.cfg")
        if not os.path.isfile(config):
            continue
        system = False
        with open(config, encoding="utf-8") as lines:
            for line in lines:
                key, _, value = line.partition("=")
                if key.strip().lower() == "include-system-site-packages":
                    system = value.strip().lower() == "true"
        sys.prefix = sys.exec_prefix = folder
        prefixes = [folder, *([sys.base_prefix] if system else [])]
        # As `site.venv` leaves them: later calls of `site.getsitepackages()` (which
        # `_installed` makes) read the environment's folders, and no user site applies.
        site.PREFIXES[:] = prefixes
        site.ENABLE_USER_SITE = False
        break
    seen = {os.path.normcase(os.path.abspath(p)) for p in sys.path if p}
    for folder in site.getsitepackages(prefixes):
        if not os.path.isdir(folder):
            continue
        _add_path(folder, seen)
        names = sorted(n for n in os.listdir(folder) if n.endswith(".pth") and not n.startswith("."))
        for name in names:
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as lines:
                    entries = lines.read().splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for entry in entries:
                entry = entry.strip()
                if not entry or entry.startswith("#") or entry.startswith(("import ", "import\t")):
                    continue
                path = os.path.join(folder, entry)
                if os.path.exists(path):
                    _add_path(path, seen)
    # The `exit` and `quit` built-ins are `site`'s too.
    site.setquit()


def _add_path(path, seen):
    key = os.path.normcase(os.path.abspath(path))
    if key not in seen:
        seen.add(key)
        sys.path.append(os.path.abspath(path))


def main() -> int:
    if sys.flags.no_site:
        _site_packages_without_start_up_code()
    here = os.path.dirname(os.path.abspath(__file__))
    # As the `pytest` command does: neither this script's folder nor the working folder on
    # the import path, so a project file named like a module (`secrets.py`, `pytest.py`)
    # cannot stand in for it.
    del sys.path[0]
    spec = importlib.util.spec_from_file_location(
        "skillforge_pytest_report", os.path.join(here, "skillforge_pytest_report.py")
    )
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    plugins = [report]
    requirements = os.environ.pop("SKILLFORGE_REQUIREMENTS", "")
    if requirements:
        # skillforge removed them; code that ran at start-up may have put them back.
        for key in [k for k in os.environ if k.startswith("PYTEST_")]:
            del os.environ[key]
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        plugins.extend(_allowed_plugins(json.loads(requirements)))

    import pytest

    return int(pytest.main(sys.argv[1:], plugins=plugins))


if __name__ == "__main__":
    sys.exit(main())
