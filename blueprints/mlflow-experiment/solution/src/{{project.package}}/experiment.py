"""The whole experiment, end to end: sweep, compare, register."""

from dataclasses import dataclass

from mlflow import MlflowClient

from .compare import find_best_run, sweep_runs
from .config import ExperimentConfig
from .data import load_dataset
from .model import ParamGrid
from .registry import CHAMPION_ALIAS, register_best_model
from .sweep import run_sweep
from .tracking import configure_tracking


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
    experiment_id = configure_tracking(config)
    dataset = load_dataset(config.test_size, config.random_state)
    sweep_run_id = run_sweep(config, dataset, grid)
    best = find_best_run(config, sweep_run_id)
    version = register_best_model(config, best)
    champion = MlflowClient().get_model_version_by_alias(
        config.model_name,
        CHAMPION_ALIAS,
    )
    return ExperimentResult(
        experiment_id=experiment_id,
        sweep_run_id=sweep_run_id,
        runs=len(sweep_runs(config, sweep_run_id)),
        best_run_id=best.info.run_id,
        best_run_name=best.info.run_name,
        best_params={name: best.data.params[name] for name in grid},
        best_score=best.data.metrics[config.metric],
        model_version=int(version.version),
        champion_version=int(champion.version),
    )


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
    params = ", ".join(f"{k}={v}" for k, v in sorted(result.best_params.items()))
    experiment = f"experiment '{config.experiment_name}'"
    best = f"Best run {result.best_run_id} ({result.best_run_name})"
    version = f"'{config.model_name}' version {result.model_version}"
    if result.champion_version == result.model_version:
        registered = f"Registered {version} as @{CHAMPION_ALIAS}"
    else:
        champion = f"@{CHAMPION_ALIAS} stays on version {result.champion_version}"
        registered = f"Registered {version}; {champion}"
    return "\n".join(
        [
            f"Sweep {result.sweep_run_id}: {result.runs} runs in {experiment}",
            f"{best}: {config.metric} = {result.best_score:.4f}",
            f"Parameters: {params}",
            registered,
        ],
    )
