"""Task 8 (release-workflow): publish to PyPI with trusted publishing.

The tests read .github/workflows/release.yml as data, the way GitHub does, and
check its structure. Nothing runs on GitHub or PyPI here.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

WORKFLOW = "release.yml"

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


def job_named(workflow: dict[Any, Any], name: str) -> dict[str, Any]:
    assert name in jobs(workflow), f"no job called {name}"
    return jobs(workflow)[name]


def script(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def test_runs_when_a_release_is_published(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get(True, workflow.get("on"))  # YAML reads `on` as True
    assert triggers == {"release": {"types": ["published"]}}


def test_builds_and_checks_both_distributions(workflow: dict[Any, Any]) -> None:
    commands = script(job_named(workflow, "build"))
    assert "python -m build" in commands or "uv build" in commands
    assert "twine check --strict dist/" in commands


def test_hands_the_distributions_to_the_publish_job(workflow: dict[Any, Any]) -> None:
    build = job_named(workflow, "build")
    publish = job_named(workflow, "publish")
    needs = publish.get("needs")
    assert needs == "build" or (isinstance(needs, list) and "build" in needs)
    [upload] = steps_using(build, "actions/upload-artifact")
    [download] = steps_using(publish, "actions/download-artifact")
    assert upload["with"]["path"].rstrip("/") == "dist"
    assert download["with"]["path"].rstrip("/") == "dist"
    assert download["with"]["name"] == upload["with"]["name"]


def test_publishes_with_trusted_publishing(
    workflow: dict[Any, Any],
    workflow_text: str,
) -> None:
    publish = job_named(workflow, "publish")
    [step] = steps_using(publish, "pypa/gh-action-pypi-publish")
    options = step.get("with", {})
    assert not {"user", "password"} & options.keys(), "no token, no password"
    assert "secrets." not in workflow_text, "trusted publishing needs no secret"


def test_only_the_publish_job_can_get_an_id_token(workflow: dict[Any, Any]) -> None:
    assert workflow.get("permissions") == {}, "start from `permissions: {}`"
    publish = job_named(workflow, "publish")
    assert publish.get("permissions") == {"id-token": "write"}, "exactly that"
    for name, job in jobs(workflow).items():
        if name != "publish":
            assert "id-token" not in job.get("permissions", {}), f"job {name}"


def test_publishes_from_the_pypi_environment(workflow: dict[Any, Any]) -> None:
    environment = job_named(workflow, "publish").get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    assert environment == "pypi"


def test_no_expression_is_pasted_into_a_script(workflow: dict[Any, Any]) -> None:
    for name, job in jobs(workflow).items():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), (
                f"job {name}: pass {step['run']!r} its values through `env:`"
            )


def test_releases_never_overlap_or_stop_halfway(workflow: dict[Any, Any]) -> None:
    concurrency = workflow.get("concurrency")
    assert isinstance(concurrency, dict), "no concurrency group"
    assert concurrency["group"]
    assert concurrency.get("cancel-in-progress") is False


def test_every_job_has_a_timeout(workflow: dict[Any, Any]) -> None:
    job_named(workflow, "publish")
    for name, job in jobs(workflow).items():
        assert isinstance(job.get("timeout-minutes"), int), f"job {name}"


def test_actions_are_pinned_to_full_commit_shas(workflow_text: str) -> None:
    uses = [line.strip() for line in workflow_text.splitlines() if "uses:" in line]
    assert any("pypa/gh-action-pypi-publish" in line for line in uses), (
        "nothing uses pypa/gh-action-pypi-publish yet"
    )
    for line in uses:
        assert PINNED.search(line), f"{line}: pin a commit SHA, name its version"


def test_checkout_keeps_no_credentials(workflow: dict[Any, Any]) -> None:
    checkouts = steps_using(job_named(workflow, "build"), "actions/checkout")
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, (
            "set `persist-credentials: false`: the token stays out of .git/config"
        )
