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


def main() -> int:
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
