"""The model registry: give the best model a name, a version and an alias.

A registered model is a name (``config.model_name``) with numbered versions. The
``champion`` alias points at the version to use; code that loads
``models:/<name>@champion`` never needs to know which version that is.
"""

import mlflow
import mlflow.sklearn
from mlflow import MlflowClient
from mlflow.entities import Run
from mlflow.entities.model_registry import ModelVersion
from sklearn.pipeline import Pipeline

from .config import ExperimentConfig
from .tracking import configure_tracking

CHAMPION_ALIAS = "champion"
"""The alias of the version to serve."""


class NoModelError(LookupError):
    """A run logged no model."""


def logged_model_uri(run: Run) -> str:
    """The ``models:/<model id>`` URI of the model logged by ``run``.

    Task 8 (register-the-best-model): raises ``NoModelError`` when the run logged
    no model.
    """
    # Since MLflow 3 a logged model is an entity of its own, with an id; the run
    # lists the models it produced among its outputs.
    outputs = run.outputs.model_outputs if run.outputs else []
    if not outputs:
        raise NoModelError(f"run {run.info.run_id} logged no model")
    return f"models:/{outputs[0].model_id}"


def register_best_model(config: ExperimentConfig, run: Run) -> ModelVersion:
    """Register the model of ``run`` as a new version of ``config.model_name``.

    Task 8 (register-the-best-model): the new version is tagged with
    ``config.metric`` and the run's value of it, and gets the ``champion`` alias
    (which moves away from any older version).
    """
    configure_tracking(config)
    score = run.data.metrics[config.metric]
    version = mlflow.register_model(
        logged_model_uri(run),
        config.model_name,
        tags={config.metric: str(score)},
    )
    MlflowClient().set_registered_model_alias(
        config.model_name,
        CHAMPION_ALIAS,
        version.version,
    )
    return version


def load_champion(config: ExperimentConfig) -> Pipeline:
    """Load the pipeline the ``champion`` alias of ``config.model_name`` points at.

    Task 8 (register-the-best-model).
    """
    configure_tracking(config)
    pipeline: Pipeline = mlflow.sklearn.load_model(
        f"models:/{config.model_name}@{CHAMPION_ALIAS}",
    )
    return pipeline
