"""Starts pytest for `skillforge check` with skillforge's report plugin.

With $SKILLFORGE_REQUIREMENTS set (a JSON list of PEP 508 requirements: the dependencies the
blueprint declares), plugin autoloading is off (skillforge sets PYTEST_DISABLE_PLUGIN_AUTOLOAD)
and only the pytest plugins of distributions those requirements bring in, directly or not,
are loaded. A plugin the learner installs on their own cannot change a grade.
"""

import importlib.util
import json
import os
import sys


def _required_distributions(requirements):
    """Normalised names of the installed distributions `requirements` need, transitively."""
    from importlib import metadata

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
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = metadata.distribution(requirement.name).requires or []
        except metadata.PackageNotFoundError:
            continue
        extras = requirement.extras or {""}
        for text in requires:
            try:
                sub = Requirement(text)
            except InvalidRequirement:
                continue
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    return {name for name, _ in seen}


def _allowed_plugins(requirements):
    from importlib import metadata

    from packaging.utils import canonicalize_name

    wanted = _required_distributions(requirements)
    plugins = []
    for entry in metadata.entry_points(group="pytest11"):
        dist = getattr(entry, "dist", None)
        if dist is not None and canonicalize_name(dist.metadata["Name"]) in wanted:
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
    requirements = os.environ.get("SKILLFORGE_REQUIREMENTS")
    if requirements:
        plugins.extend(_allowed_plugins(json.loads(requirements)))

    import pytest

    return int(pytest.main(sys.argv[1:], plugins=plugins))


if __name__ == "__main__":
    sys.exit(main())
