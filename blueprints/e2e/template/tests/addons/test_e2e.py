"""The e2e tasks: your browser tests, judged by the faults they catch.

Each task's tests are yours, in `e2e/`. These checks scan them (`e2e_scan.py`), then run
them with Playwright and a real Chromium against a fresh copy of your site, where they
must pass; against equivalents of it, where they must pass too; and against mutants,
each with one fault a visitor would see, where they must fail (`e2e_runner.py` runs
them, `e2e_proxy.py` plants the faults). The site is the one you built in the
django-cfp tasks: sign-in, propose and review must be done first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_proxy import EQUIVALENTS, MUTANTS
from e2e_runner import Tally, Verdict, judge
from e2e_scan import scan_folder

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "e2e"


def learner_tests(name: str) -> Path:
    path = FOLDER / name
    if not path.is_file():
        pytest.fail(f"e2e/{name} does not exist yet: write your browser tests there")
    uses = scan_folder(FOLDER)
    if uses:
        pytest.fail(
            "the files of e2e/ must drive the site as a visitor does, and only that "
            "(helpers too: a test file can import them):\n  " + "\n  ".join(uses)
        )
    return path


def explain(tally: Tally) -> str:
    return tally.summary() + ("\n\n" + tally.output if tally.output else "")


class Judged:
    """One task: its test file and the mutants it must catch."""

    FILE = ""
    EQUIVALENTS: tuple[str, ...] = ()
    MUTANTS: tuple[str, ...] = ()

    @pytest.fixture(scope="class")
    @classmethod
    def verdict(cls) -> Verdict:
        return judge(learner_tests(cls.FILE), cls.EQUIVALENTS, cls.MUTANTS)

    def test_passes_on_the_site(self, verdict: Verdict) -> None:
        assert verdict.reference.all_passed, (
            f"e2e/{self.FILE} must pass on your site as it is (run `pytest e2e/{self.FILE}`; "
            "the django-cfp tasks it visits must be done): "
            + explain(verdict.reference)
        )

    def test_passes_where_a_visitor_sees_no_difference(self, verdict: Verdict) -> None:
        if not verdict.reference.all_passed:
            pytest.fail("first make the tests pass on the site itself")
        for name in self.EQUIVALENTS:
            tally = verdict.equivalents[name]
            assert tally.all_passed, (
                f"e2e/{self.FILE} fails on {EQUIVALENTS[name].says}. A visitor could not "
                "tell this site from yours, so the tests are flaky or too tied to details: "
                + explain(tally)
            )

    def test_catches_every_planted_fault(self, verdict: Verdict) -> None:
        if not verdict.reference.all_passed:
            pytest.fail("first make the tests pass on the site itself")
        assert not verdict.survivors, (
            f"e2e/{self.FILE} passes on a site where "
            + "; and where ".join(f"{v.says} ({v.name})" for v in verdict.survivors)
            + ". Add a test that fails on each, checking what a visitor would see."
        )


class TestSignIn(Judged):
    FILE = "test_sign_in.py"
    EQUIVALENTS = ("slow",)
    MUTANTS = ("any-password", "forget-next", "keep-session", "silent-error")


class TestPropose(Judged):
    FILE = "test_propose.py"
    EQUIVALENTS = ("slow",)
    MUTANTS = (
        "frozen-counter",
        "counter-plus-one",
        "dropped-proposal",
        "short-abstract",
    )


class TestReview(Judged):
    FILE = "test_review.py"
    EQUIVALENTS = ("busy",)
    MUTANTS = ("accept-rejects", "reject-accepts", "open-review")


def test_every_variant_is_some_tasks() -> None:
    """The harness: each planted fault belongs to one task, each equivalent to some."""
    tasks = (TestSignIn, TestPropose, TestReview)
    planted = [name for task in tasks for name in task.MUTANTS]
    assert sorted(planted) == sorted(MUTANTS)
    assert {name for task in tasks for name in task.EQUIVALENTS} == set(EQUIVALENTS)
