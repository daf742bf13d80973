"""Recording runs with MLflow: where they go, and what each one keeps.

A run is one training of one pipeline. MLflow keeps its parameters (the inputs),
its metrics (the scores) and its artifacts (files: a confusion table, a report,
the model itself), so any run can be compared, explained and reloaded later.
"""

from collections.abc import Mapping

from .config import ExperimentConfig
from .data import Dataset
from .model import Params

MODEL_ARTIFACT = "model"
"""The name a run's model is logged under."""

CONFUSION_ARTIFACT = "confusion_matrix.json"
"""The artifact holding the confusion table of the test set."""

REPORT_ARTIFACT = "classification_report.txt"
"""The artifact holding scikit-learn's classification report of the test set."""


def configure_tracking(config: ExperimentConfig) -> str:
    """Point MLflow at ``config``'s store and experiment; return the experiment id.

    Sets the tracking URI, creates the experiment named
    ``config.experiment_name`` if it does not exist yet (its artifacts in
    ``config.artifact_location``, made absolute), and makes it the active
    experiment. Calling it again changes nothing.
    """
    raise NotImplementedError("task 4 (track-a-run)")


def log_training_run(
    config: ExperimentConfig,
    dataset: Dataset,
    params: Params,
    *,
    run_name: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> str:
    """Train one pipeline in a new MLflow run and record it; return the run id.

    The run logs ``params`` plus ``dataset`` and ``cv_folds`` as parameters, the
    cross-validation scores and the held-out metrics as metrics, and ``tags`` as
    tags. It is nested in the active run, if there is one, and marked FAILED if
    training raises.

    It also logs the confusion table (``CONFUSION_ARTIFACT``), the
    classification report (``REPORT_ARTIFACT``) and the fitted pipeline
    (``MODEL_ARTIFACT``), with a signature and explicit pip requirements.
    """
    raise NotImplementedError("task 4 (track-a-run), then task 5")
