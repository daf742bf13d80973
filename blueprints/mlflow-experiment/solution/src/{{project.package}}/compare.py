"""Comparing the runs of a sweep with ``mlflow.search_runs``."""

import mlflow
import pandas as pd
from mlflow.entities import Run

from .config import ExperimentConfig
from .tracking import configure_tracking


class NoRunsFoundError(LookupError):
    """A sweep has no finished run to compare."""


def finished_runs_of(sweep_run_id: str) -> str:
    """The ``search_runs`` filter matching the finished runs nested in a sweep."""
    # A nested run carries its parent's id in the mlflow.parentRunId tag.
    parent = f"tags.mlflow.parentRunId = '{sweep_run_id}'"
    return f"{parent} AND attributes.status = 'FINISHED'"


def sweep_runs(config: ExperimentConfig, sweep_run_id: str) -> list[Run]:
    """The finished runs of one sweep, best first.

    The runs nested in the run ``sweep_run_id`` (not the parent itself, not
    other sweeps' runs, not failed runs), ordered by ``config.metric``, highest
    first; runs without that metric come last.
    """
    experiment_id = configure_tracking(config)
    return mlflow.search_runs(
        experiment_ids=[experiment_id],
        filter_string=finished_runs_of(sweep_run_id),
        order_by=[f"metrics.{config.metric} DESC"],
        output_format="list",
    )


def find_best_run(config: ExperimentConfig, sweep_run_id: str) -> Run:
    """The finished run of the sweep with the highest ``config.metric``.

    Raises ``NoRunsFoundError`` when the sweep has no finished run.
    """
    runs = sweep_runs(config, sweep_run_id)
    if not runs:
        raise NoRunsFoundError(f"sweep {sweep_run_id} has no finished run")
    return runs[0]


def leaderboard(config: ExperimentConfig, sweep_run_id: str) -> pd.DataFrame:
    """A table of the sweep's finished runs, best first, one row per run.

    The columns are ``run_id``, ``run_name``, every ``params.<name>`` column in
    name order, then one named ``config.metric``. Raises ``NoRunsFoundError``
    when the sweep has no finished run.
    """
    experiment_id = configure_tracking(config)
    runs = mlflow.search_runs(
        experiment_ids=[experiment_id],
        filter_string=finished_runs_of(sweep_run_id),
        order_by=[f"metrics.{config.metric} DESC"],
        output_format="pandas",
    )
    if runs.empty:
        raise NoRunsFoundError(f"sweep {sweep_run_id} has no finished run")
    params = sorted(str(c) for c in runs.columns if str(c).startswith("params."))
    metric = f"metrics.{config.metric}"
    # reindex, not []: a metric no run logged becomes a column of NaN.
    table = runs.reindex(columns=["run_id", "tags.mlflow.runName", *params, metric])
    table = table.rename(
        columns={"tags.mlflow.runName": "run_name", metric: config.metric},
    )
    return table.reset_index(drop=True)
