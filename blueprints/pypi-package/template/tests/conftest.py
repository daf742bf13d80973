"""Fixtures shared by every test."""

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import semver_samples
from type_checks import TypingReport, check_types

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The folder that holds ``pyproject.toml``."""
    return ROOT


@pytest.fixture(scope="session")
def pyproject(project_root: Path) -> dict[str, Any]:
    """``pyproject.toml``, parsed."""
    with (project_root / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


@pytest.fixture(scope="session")
def supported_pythons(pyproject: dict[str, Any]) -> list[str]:
    """The Python versions the package declares, read from its classifiers."""
    prefix = "Programming Language :: Python :: "
    classifiers: list[str] = pyproject["project"]["classifiers"]
    return [
        classifier.removeprefix(prefix)
        for classifier in classifiers
        if classifier.startswith(prefix) and classifier.count(".") == 1
    ]


@pytest.fixture(scope="session")
def load_workflow(project_root: Path) -> Callable[[str], dict[Any, Any]]:
    """A function that parses ``.github/workflows/<name>``.

    Careful with the result: YAML 1.1, which PyYAML reads, takes an unquoted
    ``on`` for the boolean ``True``, so the triggers of a workflow are under the
    key ``True``, not ``"on"``.
    """

    def load(name: str) -> dict[Any, Any]:
        text = (project_root / ".github" / "workflows" / name).read_text()
        workflow = yaml.safe_load(text)
        assert isinstance(workflow, dict), f"{name} is not a YAML mapping"
        return workflow

    return load


@pytest.fixture(scope="session")
def typing_report(project_root: Path) -> TypingReport:
    """mypy --strict on the package and the typed task tests, run once per session."""
    return check_types(project_root)


@pytest.fixture
def tests_out_of_reach() -> Iterator[None]:
    """During the test, the package cannot import or look up the tests' modules."""
    with semver_samples.tests_out_of_reach():
        yield
