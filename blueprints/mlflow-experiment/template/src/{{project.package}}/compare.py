"""Comparing the runs of a sweep with ``mlflow.search_runs``."""

import pandas as pd
from mlflow.entities import Run

from .config import ExperimentConfig


class NoRunsFoundError(LookupError):
    """A sweep has no finished run to compare."""


def sweep_runs(config: ExperimentConfig, sweep_run_id: str) -> list[Run]:
    """The finished runs of one sweep, best first.

    The runs nested in the run ``sweep_run_id`` (not the parent itself, not
    other sweeps' runs, not failed runs), ordered by ``config.metric``, highest
    first; runs without that metric come last.
    """
    raise NotImplementedError("task 7 (compare-the-runs)")


def find_best_run(config: ExperimentConfig, sweep_run_id: str) -> Run:
    """The finished run of the sweep with the highest ``config.metric``.

    Raises ``NoRunsFoundError`` when the sweep has no finished run.
    """
    raise NotImplementedError("task 7 (compare-the-runs)")


def leaderboard(config: ExperimentConfig, sweep_run_id: str) -> pd.DataFrame:
    """A table of the sweep's finished runs, best first, one row per run.

    The columns are ``run_id``, ``run_name``, every ``params.<name>`` column in
    name order, then one named ``config.metric``. Raises ``NoRunsFoundError``
    when the sweep has no finished run.
    """
    raise NotImplementedError("task 7 (compare-the-runs)")
