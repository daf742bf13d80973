"""Task 7 (ci-workflow): a CI workflow fit for a public repository.

The tests read .github/workflows/ci.yml as data, the way GitHub does, and its
``run:`` scripts as shell commands: a tool counts when a job really runs it,
after checking out the code and installing what it needs. Nothing runs on
GitHub here.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from workflow_checks import (
    Tool,
    Workflow,
    assert_runs,
    first_step_using,
    job_named,
    jobs,
    pin_problems,
    steps,
    steps_using,
    triggers,
    with_of,
)

WORKFLOW = "ci.yml"

# Paths that cover the whole project, as pyproject.toml configures the tools.
RUFF_PATHS = frozenset({"."})
MYPY_PATHS = frozenset({".", "src"})
# Files that pytest, ruff or mypy read before pyproject.toml: CI would use them.
OTHER_CONFIGS = {
    "pytest.ini": None,
    ".pytest.ini": None,
    "tox.ini": ("[pytest]", "[tool:pytest]", "[mypy"),
    "setup.cfg": ("[tool:pytest]", "[mypy"),
    "ruff.toml": None,
    ".ruff.toml": None,
    "mypy.ini": None,
    ".mypy.ini": None,
}
RUFF_CHECK = Tool(
    name="ruff check",
    prefix=("ruff", "check"),
    packages=frozenset({"ruff"}),
    options=r"--output-format|--no-cache|-q|--quiet|-v|--verbose|--show-fixes|--no-fix",
    valued=frozenset({"--output-format"}),
    paths=RUFF_PATHS,
)
RUFF_FORMAT = Tool(
    name="ruff format --check",
    prefix=("ruff", "format"),
    packages=frozenset({"ruff"}),
    options=r"--check|--diff|--no-cache|-q|--quiet",
    required=(frozenset({"--check", "--diff"}),),
    paths=RUFF_PATHS,
)
MYPY = Tool(
    name="mypy",
    prefix=("mypy",),
    # mypy reads src and tests: the tests need pytest and the stubs of PyYAML.
    packages=frozenset({"mypy", "pytest", "types-pyyaml"}),
    options=r"--strict|--pretty|--no-incremental|--show-error-codes|--show-error-context"
    r"|--show-column-numbers|--color-output|--no-color-output|--warn-unused-configs",
    paths=MYPY_PATHS,
)
PYTEST = Tool(
    name="pytest",
    prefix=("pytest",),
    packages=frozenset({"pytest"}),
    options=r"-q|-v+|-x|--exitfirst|-r[A-Za-z]+|--tb|--durations|--color|-l"
    r"|--showlocals|--strict-markers|--no-header|--junitxml|--junit-xml",
    valued=frozenset({"--tb", "--durations", "--color", "--junitxml", "--junit-xml"}),
    paths=frozenset({"tests"}),
    needs_project=True,
)


@pytest.fixture
def workflow(load_workflow: Callable[[str], Workflow]) -> Workflow:
    return load_workflow(WORKFLOW)


@pytest.fixture
def workflow_text(project_root: Path) -> str:
    return (project_root / ".github" / "workflows" / WORKFLOW).read_text()


def test_grants_no_permission_by_default(workflow: Workflow) -> None:
    assert workflow.get("permissions") == {}, "start from `permissions: {}`"
    for name, job in jobs(workflow).items():
        granted = job.get("permissions", {})
        assert granted in ({}, {"contents": "read"}), (
            f"job {name}: `permissions: {granted}`; CI needs at most `contents: read`"
        )


def test_runs_on_every_push_and_cancels_older_runs(workflow: Workflow) -> None:
    on = triggers(workflow)
    assert isinstance(on, dict), f"`on: {on}`: list the events as a mapping"
    assert "push" in on, "run on every push (to main at least)"
    assert "pull_request" in on, "run on every pull request"
    for event in ("push", "pull_request"):
        filters = on[event] if isinstance(on[event], dict) else {}
        branches = filters.get("branches")
        assert branches is None or "main" in branches, (
            f"`{event}: branches: {branches}` leaves out main: CI must run on "
            "pushes to main and on every pull request"
        )
        assert "branches-ignore" not in filters, (
            f"`{event}: branches-ignore` skips branches: CI must run on every one"
        )
        if event == "pull_request":
            assert branches in (None, ["main"]), (
                f"`pull_request: branches: {branches}`: run on every pull request "
                "(no branch filter) or on those into main"
            )
    concurrency = workflow.get("concurrency")
    assert isinstance(concurrency, dict), "no concurrency group"
    assert "github.ref" in str(concurrency.get("group")), "one group per branch or PR"
    assert concurrency.get("cancel-in-progress") is True


def test_every_job_has_a_timeout(workflow: Workflow) -> None:
    for name, job in jobs(workflow).items():
        minutes = job.get("timeout-minutes")
        assert isinstance(minutes, int), f"job {name} has no `timeout-minutes`"
        assert 0 < minutes <= 60, (
            f"job {name}: `timeout-minutes: {minutes}`; give a few minutes, at most 60"
        )


def test_tests_run_on_every_supported_python(
    workflow: Workflow,
    supported_pythons: list[str],
    pyproject: dict[str, Any],
) -> None:
    test = job_named(workflow, "test")
    assert test.get("strategy", {}).get("fail-fast") is False, (
        "let every version finish: one failure says little without the others"
    )
    versions = test["strategy"].get("matrix", {}).get("python-version")
    assert isinstance(versions, list), "no `matrix: {python-version: [...]}`"
    assert all(isinstance(v, str) for v in versions), (
        f"{versions}: quote the versions, YAML reads 3.10 as the number 3.1"
    )
    assert versions == supported_pythons, (
        f"the matrix has {versions}; the classifiers say {supported_pythons}"
    )
    for key in ("exclude", "include"):
        assert key not in test["strategy"]["matrix"], (
            f"the matrix has `{key}:`, which changes the Pythons it runs on; "
            "list the versions only"
        )
    setups = steps_using(test, "actions/setup-python") + steps_using(
        test, "astral-sh/setup-uv"
    )
    assert len(setups) == 1, "set up Python once, with the version of the matrix"
    assert with_of(setups[0]).get("python-version") == "${{ matrix.python-version }}"
    assert_runs(workflow, "test", PYTEST, pyproject)


def test_a_lint_job_runs_ruff_and_mypy(
    workflow: Workflow, pyproject: dict[str, Any], project_root: Path
) -> None:
    job_named(workflow, "lint")
    assert_no_other_file_configures_the_tools(project_root)
    for tool in (RUFF_CHECK, RUFF_FORMAT, MYPY):
        assert_runs(workflow, "lint", tool, pyproject)


def assert_no_other_file_configures_the_tools(project_root: Path) -> None:
    for name, sections in OTHER_CONFIGS.items():
        path = project_root / name
        if not path.is_file():
            continue
        text = path.read_text()
        configures = sections is None or any(s in text for s in sections)
        assert not configures, (
            f"{name} configures pytest, ruff or mypy, which read it before "
            "pyproject.toml: CI would run them as it says; configure them in "
            "pyproject.toml only and delete it"
        )


def test_actions_are_pinned_to_real_releases(
    workflow: Workflow, workflow_text: str
) -> None:
    uses = [step for job in jobs(workflow).values() for step in steps(job)]
    assert any("uses" in step for step in uses), "no step uses an action"
    problems = pin_problems(workflow, workflow_text)
    assert not problems, "\n".join(problems)


def test_checkout_keeps_no_credentials(workflow: Workflow) -> None:
    for name, job in jobs(workflow).items():
        assert first_step_using(job, "actions/checkout") is not None, (
            f"job {name} never checks out the code"
        )
        for step in steps_using(job, "actions/checkout"):
            assert with_of(step).get("persist-credentials") is False, (
                f"job {name}: set `persist-credentials: false` on the checkout: "
                "the token stays out of .git/config"
            )
