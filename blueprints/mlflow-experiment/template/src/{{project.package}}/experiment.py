"""The whole experiment, end to end: sweep, compare, register."""

from dataclasses import dataclass

from .config import ExperimentConfig
from .model import ParamGrid


@dataclass(frozen=True)
class ExperimentResult:
    """What one experiment produced, as the command line reports it."""

    experiment_id: str
    sweep_run_id: str
    runs: int
    """How many runs the sweep trained."""
    best_run_id: str
    best_run_name: str
    best_params: dict[str, str]
    """The grid's hyperparameters of the best run, as MLflow stores them."""
    best_score: float
    """The best run's value of ``config.metric``."""
    model_version: int
    """The version of ``config.model_name`` registered for the best run."""
    champion_version: int
    """The version the ``champion`` alias points at afterwards.

    ``model_version`` when the best run beat the champion, an older one otherwise.
    """


def run_experiment(config: ExperimentConfig, grid: ParamGrid) -> ExperimentResult:
    """Load and split the data, sweep ``grid``, register the best run's model."""
    raise NotImplementedError("task 9 (run-from-the-command-line)")


def format_result(config: ExperimentConfig, result: ExperimentResult) -> str:
    """The report the command line prints: four lines, no trailing newline.

    For example::

        Sweep 3f2a...: 6 runs in experiment 'wine'
        Best run 9c1e... (features__degree=1, model__C=1.0): cv_f1_macro = 0.9851
        Parameters: features__degree=1, model__C=1.0
        Registered 'wine-classifier' version 2 as @champion

    The score has four decimals; the parameters are sorted by name. When the
    new version did not beat the champion, the last line says so::

        Registered 'wine-classifier' version 3; @champion stays on version 2
    """
    raise NotImplementedError("task 9 (run-from-the-command-line)")
