"""The model registry: give the best model a name, a version and an alias.

A registered model is a name (``config.model_name``) with numbered versions. The
``champion`` alias points at the version to use; code that loads
``models:/<name>@champion`` never needs to know which version that is.
"""

from mlflow.entities import Run
from mlflow.entities.model_registry import ModelVersion
from sklearn.pipeline import Pipeline

from .config import ExperimentConfig

CHAMPION_ALIAS = "champion"
"""The alias of the version to serve."""


class NoModelError(LookupError):
    """A run logged no model."""


def logged_model_uri(run: Run) -> str:
    """The ``models:/<model id>`` URI of the model logged by ``run``.

    Raises ``NoModelError`` when the run logged no model.
    """
    raise NotImplementedError("task 8 (register-the-best-model)")


def register_best_model(config: ExperimentConfig, run: Run) -> ModelVersion:
    """Register the model of ``run`` as a new version of ``config.model_name``.

    The new version is tagged with ``config.metric`` and the run's value of it.
    It takes the ``champion`` alias only if that value beats the champion's
    (higher is better; a tie keeps the champion), or if there is no champion
    yet. Older versions stay.
    """
    raise NotImplementedError("task 8 (register-the-best-model)")


def load_champion(config: ExperimentConfig) -> Pipeline:
    """Load the pipeline the ``champion`` alias of ``config.model_name`` points at."""
    raise NotImplementedError("task 8 (register-the-best-model)")
