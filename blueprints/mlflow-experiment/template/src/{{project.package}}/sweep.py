"""A parameter sweep: one parent run, one nested run per combination of values."""

from .config import ExperimentConfig
from .data import Dataset
from .model import ParamGrid, Params

SWEEP_RUN_NAME = "sweep"
"""The name of the parent run of a sweep."""

GRID_ARTIFACT = "param_grid.json"
"""The artifact of the parent run that records the grid it tried."""


def candidate_name(params: Params) -> str:
    """A readable run name for one combination of values.

    For example ``features__degree=2, model__C=0.1``.
    """
    return ", ".join(f"{name}={value}" for name, value in sorted(params.items()))


def run_sweep(config: ExperimentConfig, dataset: Dataset, grid: ParamGrid) -> str:
    """Train and log every combination of ``grid``; return the parent run's id.

    A parent run named ``SWEEP_RUN_NAME`` logs the number of combinations as
    the ``candidates`` parameter and the grid as the ``GRID_ARTIFACT`` JSON
    artifact; inside it, each combination is trained by ``log_training_run`` in
    its own nested run named by ``candidate_name``.
    """
    raise NotImplementedError("task 6 (sweep-the-parameters)")
