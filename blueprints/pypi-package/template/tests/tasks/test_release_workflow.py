"""Task 8 (release-workflow): publish to PyPI with trusted publishing.

The tests read .github/workflows/release.yml as data, the way GitHub does, and
its ``run:`` scripts as shell commands. Nothing runs on GitHub or PyPI here.
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

WORKFLOW = "release.yml"
PUBLISH_ACTION = "pypa/gh-action-pypi-publish"

BUILD = Tool(
    name="python -m build",
    prefix=("build",),
    packages=frozenset({"build"}),
    options=r"--outdir|-o|--installer",
    valued=frozenset({"--outdir", "-o", "--installer"}),
    paths=frozenset({".", "dist"}),
)
UV_BUILD = Tool(
    name="uv build",
    prefix=("uv", "build"),
    packages=frozenset(),
    options=r"--out-dir|-o|--no-sources",
    valued=frozenset({"--out-dir", "-o"}),
    paths=frozenset({".", "dist"}),
)
TWINE_CHECK = Tool(
    name="twine check --strict dist/*",
    prefix=("twine", "check"),
    packages=frozenset({"twine"}),
    options=r"--strict",
    required=(frozenset({"--strict"}),),
    paths=frozenset({"dist/*"}),
)


@pytest.fixture
def workflow(load_workflow: Callable[[str], Workflow]) -> Workflow:
    return load_workflow(WORKFLOW)


@pytest.fixture
def workflow_text(project_root: Path) -> str:
    return (project_root / ".github" / "workflows" / WORKFLOW).read_text()


def test_runs_when_a_release_is_published(workflow: Workflow) -> None:
    assert triggers(workflow) == {"release": {"types": ["published"]}}, (
        "run on `release: {types: [published]}` and nothing else"
    )


def test_builds_and_checks_both_distributions(
    workflow: Workflow, pyproject: dict[str, Any]
) -> None:
    try:
        build = assert_runs(workflow, "build", BUILD, pyproject)
    except AssertionError as python_build:
        try:
            build = assert_runs(workflow, "build", UV_BUILD, pyproject)
        except AssertionError:
            raise python_build from None
    out = [
        arg.partition("=")[2] or build.argv[index + 1]
        for index, arg in enumerate(build.argv)
        if arg.partition("=")[0] in ("--outdir", "--out-dir", "-o")
    ]
    assert all(folder.rstrip("/") == "dist" for folder in out), (
        f"`{build.line}`: build into dist/, where twine and the upload look"
    )
    check = assert_runs(workflow, "build", TWINE_CHECK, pyproject)
    assert check.order > build.order, "check the distributions after building them"


def test_hands_the_distributions_to_the_publish_job(workflow: Workflow) -> None:
    build = job_named(workflow, "build")
    publish = job_named(workflow, "publish")
    needs = publish.get("needs")
    assert needs == "build" or (isinstance(needs, list) and "build" in needs), (
        "the publish job `needs: build`"
    )
    uploads = steps_using(build, "actions/upload-artifact")
    downloads = steps_using(publish, "actions/download-artifact")
    assert len(uploads) == 1, "the build job uploads dist/ once"
    assert len(downloads) == 1, "the publish job downloads the distributions once"
    upload, download = with_of(uploads[0]), with_of(downloads[0])
    assert str(upload.get("path")).rstrip("/") == "dist", "upload `path: dist/`"
    assert str(download.get("path")).rstrip("/") == "dist", "download into `dist/`"
    assert upload.get("name"), "name the artifact of the upload"
    assert download.get("name") == upload.get("name"), (
        "download the artifact by the `name` it was uploaded with"
    )
    last_run = max(
        (index for index, step in enumerate(steps(build)) if "run" in step),
        default=-1,
    )
    upload_at = first_step_using(build, "actions/upload-artifact")
    assert upload_at is not None
    assert upload_at > last_run, (
        "upload dist/ once it is built and checked, after the last `run:` step"
    )


def test_publishes_with_trusted_publishing(
    workflow: Workflow,
    workflow_text: str,
) -> None:
    publish = job_named(workflow, "publish")
    download = first_step_using(publish, "actions/download-artifact")
    upload = first_step_using(publish, PUBLISH_ACTION)
    assert upload is not None, f"the publish job does not use {PUBLISH_ACTION}"
    assert download is not None, "the publish job downloads no distributions"
    assert download < upload, "download the distributions before publishing them"
    options = with_of(steps(publish)[upload])
    assert not {"user", "password"} & options.keys(), "no token, no password"
    spellings = {str(key).lower().replace("_", "-") for key in options}
    assert not {"repository-url", "repository"} & spellings, (
        "the publish job uploads to PyPI, the action's default: no `repository-url`"
    )
    assert str(options.get("packages-dir", "dist")).rstrip("/") == "dist"
    assert "secrets." not in workflow_text, "trusted publishing needs no secret"


def test_the_publish_job_runs_no_project_code(workflow: Workflow) -> None:
    publish = job_named(workflow, "publish")
    assert not steps_using(publish, "actions/checkout"), (
        "the publish job needs no checkout: it publishes what the build job built"
    )
    scripts = [step["run"] for step in steps(publish) if "run" in step]
    assert not scripts, (
        f"the job that can get a PyPI token runs no script: move {scripts} to build"
    )


def test_only_the_publish_job_can_get_an_id_token(workflow: Workflow) -> None:
    assert workflow.get("permissions") == {}, "start from `permissions: {}`"
    publish = job_named(workflow, "publish")
    assert publish.get("permissions") == {"id-token": "write"}, (
        "the publish job has `permissions: {id-token: write}`, exactly that"
    )
    for name, job in jobs(workflow).items():
        granted = job.get("permissions", {})
        if name != "publish" and not steps_using(job, PUBLISH_ACTION):
            assert granted in ({}, {"contents": "read"}), (
                f"job {name}: `permissions: {granted}`; it needs at most "
                "`contents: read`"
            )


def test_publishes_from_the_pypi_environment(workflow: Workflow) -> None:
    environment = job_named(workflow, "publish").get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    assert environment == "pypi", "the publish job runs in the `pypi` environment"


def test_every_job_runs_on_every_release(workflow: Workflow) -> None:
    for name in ("build", "publish"):
        job = job_named(workflow, name)
        assert "if" not in job, f"job {name} runs only `if: {job['if']}`"
        assert job.get("continue-on-error") in (None, False), (
            f"job {name}: a failure must fail the release; no `continue-on-error`"
        )
        for step in steps(job):
            what = f"job {name}: the step {step.get('name') or step.get('uses')}"
            assert "if" not in step, f"{what} must always run: no `if:`"
            assert step.get("continue-on-error") in (None, False), (
                f"{what} must fail the job when it fails: no `continue-on-error`"
            )


def test_no_expression_is_pasted_into_a_script(workflow: Workflow) -> None:
    for name, job in jobs(workflow).items():
        for step in steps(job):
            assert "${{" not in str(step.get("run", "")), (
                f"job {name}: pass {step['run']!r} its values through `env:`"
            )


def test_releases_never_overlap_or_stop_halfway(workflow: Workflow) -> None:
    concurrency = workflow.get("concurrency")
    assert isinstance(concurrency, dict), "no concurrency group"
    assert concurrency.get("group"), "name the concurrency `group`"
    assert concurrency.get("cancel-in-progress") is False, (
        "`cancel-in-progress: false`: never stop a publish halfway"
    )


def test_every_job_has_a_timeout(workflow: Workflow) -> None:
    job_named(workflow, "publish")
    for name, job in jobs(workflow).items():
        minutes = job.get("timeout-minutes")
        assert isinstance(minutes, int), f"job {name} has no `timeout-minutes`"
        assert 0 < minutes <= 60, (
            f"job {name}: `timeout-minutes: {minutes}`; give a few minutes, at most 60"
        )


def test_actions_are_pinned_to_real_releases(
    workflow: Workflow, workflow_text: str
) -> None:
    job_named(workflow, "publish")
    problems = pin_problems(workflow, workflow_text)
    assert not problems, "\n".join(problems)


def test_checkout_keeps_no_credentials(workflow: Workflow) -> None:
    checkouts = steps_using(job_named(workflow, "build"), "actions/checkout")
    assert checkouts, "the build job never checks out the code"
    for step in checkouts:
        assert with_of(step).get("persist-credentials") is False, (
            "set `persist-credentials: false`: the token stays out of .git/config"
        )
