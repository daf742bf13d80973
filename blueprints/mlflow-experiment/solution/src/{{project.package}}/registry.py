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

    Raises ``NoModelError`` when the run logged no model.
    """
    # Since MLflow 3 a logged model is an entity of its own, with an id; the run
    # lists the models it produced among its outputs.
    outputs = run.outputs.model_outputs if run.outputs else []
    if not outputs:
        raise NoModelError(f"run {run.info.run_id} logged no model")
    return f"models:/{outputs[0].model_id}"


def champion_score(client: MlflowClient, config: ExperimentConfig) -> float | None:
    """The champion's value of ``config.metric``, as tagged when it was registered.

    ``None`` when there is no champion, or it was registered without that metric.
    """
    aliases = client.get_registered_model(config.model_name).aliases
    if CHAMPION_ALIAS not in aliases:
        return None
    champion = client.get_model_version(config.model_name, aliases[CHAMPION_ALIAS])
    score = champion.tags.get(config.metric)
    return None if score is None else float(score)


def register_best_model(config: ExperimentConfig, run: Run) -> ModelVersion:
    """Register the model of ``run`` as a new version of ``config.model_name``.

    The new version is tagged with ``config.metric`` and the run's value of it.
    It takes the ``champion`` alias only if that value beats the champion's
    (higher is better; a tie keeps the champion), or if there is no champion
    yet. Older versions stay.
    """
    configure_tracking(config)
    client = MlflowClient()
    score = run.data.metrics[config.metric]
    version = mlflow.register_model(
        logged_model_uri(run),
        config.model_name,
        tags={config.metric: str(score)},
    )
    best = champion_score(client, config)
    if best is None or score > best:
        client.set_registered_model_alias(
            config.model_name,
            CHAMPION_ALIAS,
            version.version,
        )
    return version


def load_champion(config: ExperimentConfig) -> Pipeline:
    """Load the pipeline the ``champion`` alias of ``config.model_name`` points at."""
    configure_tracking(config)
    pipeline: Pipeline = mlflow.sklearn.load_model(
        f"models:/{config.model_name}@{CHAMPION_ALIAS}",
    )
    return pipeline
