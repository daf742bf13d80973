"""What your browser tests run against when you run them: `pytest e2e`.

A fresh copy of the site for the test session (its own SQLite database, with the
accounts in `tests/addons/e2e_site.py`: ada, a speaker, and grace, of the programme
committee), served on 127.0.0.1, and Chromium to drive it: Playwright's own after
`playwright install chromium`, or your system's. Playwright's pytest plugin gives each
test a fresh `page` (and `browser`, for a second visitor's `browser.new_context()`);
relative addresses in `page.goto("/talks/")` start at the site.

`skillforge check` leaves this file out: it runs your tests with its own copy of the same
set-up, against the site and against the variants described in `e2e_proxy.py`, each test
file alone. Keep your own fixtures in your test files, and what several files share in a
module beside them (not a `test_` file): `e2e/` is yours, and check leaves out any
`conftest.py` in it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserType

# The site's launcher lives with the checks, in tests/addons/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "tests" / "addons"))

import e2e_site


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The address of the site under test, served for this test session."""
    with e2e_site.Site() as site:
        yield site.url


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> dict[str, Any]:
    """Playwright's launch options, with the Chromium this machine has."""
    return {
        **browser_type_launch_args,
        **e2e_site.chromium(
            browser_type.executable_path,
            headless=browser_type_launch_args.get("headless", True),
        ),
    }
