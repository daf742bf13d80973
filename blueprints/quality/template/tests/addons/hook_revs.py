"""The releases of the hook repositories that .pre-commit-config.yaml may pin.

pre-commit clones a hook repository at its ``rev``; a tag that does not exist
makes ``pre-commit install`` fail for everyone who clones the project, so the
tests check each ``rev`` against this table. The tags of pre-commit-hooks were
read from its repository. ruff-pre-commit and mirrors-mypy publish one tag for
each release of ruff and mypy on PyPI, named after it with a ``v`` first (their
tags and PyPI's versions were compared where both were at hand); the newest
ones here come from PyPI's list of releases. The version of ruff or mypy
installed in the project's environment is a release too, so the tests accept
it for a newer pin than these.
"""

RELEASES: dict[str, set[str]] = {
    "https://github.com/pre-commit/pre-commit-hooks": {"v5.0.0", "v6.0.0"},
    "https://github.com/astral-sh/ruff-pre-commit": {
        "v0.17.0",
        "v0.17.1",
        "v0.17.2",
        "v0.17.3",
        "v0.17.4",
        "v0.17.5",
        "v0.17.6",
    },
    "https://github.com/pre-commit/mirrors-mypy": {"v2.4.0", "v2.4.1"},
}
# The PyPI distribution each mirror republishes.
MIRRORED = {
    "https://github.com/astral-sh/ruff-pre-commit": "ruff",
    "https://github.com/pre-commit/mirrors-mypy": "mypy",
}
