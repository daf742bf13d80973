"""Fixtures shared by every test.

The tests never load data through a fixture that calls your code: a fixture that
fails would report an error instead of a failed test. Tests call your functions
themselves, with the shipped data from ``data_dir`` or small frames of their own.
"""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import pytest
from matplotlib import pyplot as plt
from pandas.core.groupby import DataFrameGroupBy, SeriesGroupBy

# Render figures to files only, never to a window: CI runners have no display.
matplotlib.use("Agg")


@pytest.fixture
def data_dir() -> Path:
    """The folder of the shipped CSV files."""
    return Path(__file__).resolve().parents[1] / "data"


def _called_by_pandas() -> bool:
    """Whether the caller of the guarded method is pandas itself."""
    module = sys._getframe(2).f_globals.get("__name__", "")
    return bool(module == "pandas" or module.startswith("pandas."))


def _guarded(owner: type, method: str, *, only_functions: bool) -> Callable[..., Any]:
    """A version of ``owner.method`` that refuses calls from your code."""
    original = getattr(owner, method)
    name = f"{owner.__name__}.{method}"

    def guarded(self: object, *args: Any, **kwargs: Any) -> Any:
        allowed = only_functions and not (args and callable(args[0]))
        if allowed or _called_by_pandas():
            return original(self, *args, **kwargs)
        raise AssertionError(
            f"{name} runs Python code row by row: use vectorised column operations"
        )

    return guarded


@pytest.fixture
def no_python_loops(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the row-by-row ways of pandas fail for the rest of the test.

    ``iterrows``, ``itertuples``, ``apply`` (of frames, series and groups), the
    element-wise ``DataFrame.map`` and ``Series.map`` with a function all raise
    ``AssertionError`` when your code calls them (pandas may still use them
    internally). ``Series.map`` with a dict or a Series still works: it is a
    vectorised lookup.
    """
    targets: list[tuple[type, str]] = [
        (pd.DataFrame, "iterrows"),
        (pd.DataFrame, "itertuples"),
        (pd.DataFrame, "apply"),
        (pd.DataFrame, "map"),
        (pd.Series, "apply"),
        (pd.Series, "map"),
        (DataFrameGroupBy, "apply"),
        (SeriesGroupBy, "apply"),
    ]
    for owner, method in targets:
        only_functions = (owner, method) == (pd.Series, "map")
        guarded = _guarded(owner, method, only_functions=only_functions)
        monkeypatch.setattr(owner, method, guarded)


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    """Close any figure a test leaves open in pyplot."""
    yield
    plt.close("all")
