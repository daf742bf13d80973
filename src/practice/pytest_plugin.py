"""skillforge's pytest plugin: writes one JSON line per test phase to $SKILLFORGE_REPORT,
so `skillforge check` can follow the run and map every test to its task."""

import inspect
import json
import os
import textwrap

_REPORT = open(os.environ["SKILLFORGE_REPORT"], "a", encoding="utf-8", buffering=1)


def _emit(event: dict) -> None:
    _REPORT.write(json.dumps(event) + "\n")


def _message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        return str(report.longrepr[-1])
    text = report.longreprtext.strip()
    return text.splitlines()[-1] if text else ""


def _source(item) -> str:
    """The test function's source, for results.json's test_code; empty when unknown."""
    try:
        return textwrap.dedent(inspect.getsource(item.obj))
    except Exception:  # noqa: BLE001 - a report detail must never break the run
        return ""


def pytest_collection_finish(session) -> None:
    _emit({"event": "collected", "count": len(session.items)})
    for item in session.items:
        _emit({"event": "source", "nodeid": item.nodeid, "code": _source(item)})


def pytest_collectreport(report) -> None:
    if report.failed:
        _emit({
            "event": "collect-error",
            "nodeid": report.nodeid,
            "message": _message(report),
            "output": report.longreprtext,
        })


def pytest_runtest_logreport(report) -> None:
    outcome = report.outcome
    if hasattr(report, "wasxfail"):
        outcome = "skipped" if outcome == "skipped" else "passed"
    event = {"event": "phase", "nodeid": report.nodeid, "when": report.when, "outcome": outcome}
    if outcome != "passed":
        event["message"] = _message(report)
        event["output"] = report.longreprtext
    if report.capstdout:
        event["stdout"] = report.capstdout
    _emit(event)
