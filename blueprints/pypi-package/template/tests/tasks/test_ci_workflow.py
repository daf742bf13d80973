"""Task 7 (ci-workflow): a CI workflow fit for a public repository.

The tests read .github/workflows/ci.yml as data, the way GitHub does, and check
its structure. Nothing runs on GitHub here.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

WORKFLOW = "ci.yml"

# `uses: owner/repo@<40 hex digits> # v1.2.3`: a commit cannot be moved, a tag can.
PINNED = re.compile(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d")


@pytest.fixture
def workflow(load_workflow: Callable[[str], dict[Any, Any]]) -> dict[Any, Any]:
    return load_workflow(WORKFLOW)


@pytest.fixture
def workflow_text(project_root: Path) -> str:
    return (project_root / ".github" / "workflows" / WORKFLOW).read_text()


def jobs(workflow: dict[Any, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = workflow["jobs"]
    return found


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job.get("steps", [])
    return found


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [
        step for step in steps(job) if step.get("uses", "").startswith(action + "@")
    ]


def script(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def test_grants_no_permission_by_default(workflow: dict[Any, Any]) -> None:
    assert workflow.get("permissions") == {}, "start from `permissions: {}`"
    for name, job in jobs(workflow).items():
        granted = job.get("permissions", {})
        assert granted in ({}, {"contents": "read"}), f"job {name}: {granted}"


def test_a_newer_run_cancels_an_older_one(workflow: dict[Any, Any]) -> None:
    concurrency = workflow.get("concurrency")
    assert isinstance(concurrency, dict), "no concurrency group"
    assert "github.ref" in concurrency["group"], "one group per branch or PR"
    assert concurrency.get("cancel-in-progress") is True


def test_every_job_has_a_timeout(workflow: dict[Any, Any]) -> None:
    for name, job in jobs(workflow).items():
        assert isinstance(job.get("timeout-minutes"), int), f"job {name}"


def test_tests_run_on_every_supported_python(
    workflow: dict[Any, Any],
    supported_pythons: list[str],
) -> None:
    test = jobs(workflow)["test"]
    assert test.get("strategy", {}).get("fail-fast") is False, (
        "let every version finish: one failure says little without the others"
    )
    versions = test["strategy"]["matrix"]["python-version"]
    assert all(isinstance(v, str) for v in versions), (
        f"{versions}: quote the versions, YAML reads 3.10 as the number 3.1"
    )
    assert versions == supported_pythons
    [setup] = steps_using(test, "actions/setup-python")
    assert setup["with"]["python-version"] == "${{ matrix.python-version }}"


def test_a_lint_job_runs_ruff_and_mypy(workflow: dict[Any, Any]) -> None:
    lint = jobs(workflow).get("lint")
    assert lint, "no job called lint"
    commands = script(lint)
    assert "ruff check" in commands
    assert "ruff format --check" in commands
    assert re.search(r"\bmypy\b", commands)


def test_actions_are_pinned_to_full_commit_shas(workflow_text: str) -> None:
    uses = [line.strip() for line in workflow_text.splitlines() if "uses:" in line]
    assert uses
    for line in uses:
        assert PINNED.search(line), f"{line}: pin a commit SHA, name its version"


def test_checkout_keeps_no_credentials(workflow: dict[Any, Any]) -> None:
    checkouts = [
        step
        for job in jobs(workflow).values()
        for step in steps_using(job, "actions/checkout")
    ]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, (
            "set `persist-credentials: false`: the token stays out of .git/config"
        )
