"""Recording runs with MLflow: where they go, and what each one keeps.

A run is one training of one pipeline. MLflow keeps its parameters (the inputs),
its metrics (the scores) and its artifacts (files: a confusion table, a report,
the model itself), so any run can be compared, explained and reloaded later.
"""

from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path

import mlflow
import mlflow.sklearn
from mlflow.models import infer_signature
from sklearn.metrics import classification_report

from .config import ExperimentConfig
from .data import DATASET_NAME, Dataset, class_names
from .evaluation import confusion_table, cross_validation_scores, holdout_metrics
from .model import Params, build_pipeline

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
    mlflow.set_tracking_uri(config.tracking_uri)
    experiment = mlflow.get_experiment_by_name(config.experiment_name)
    if experiment is None:
        # Without a location, MLflow keeps the artifacts in ./mlruns of whatever
        # directory the experiment happens to be created from; a relative
        # location would depend on that directory just the same.
        location = config.artifact_location
        if "://" not in location:
            location = Path(location).resolve().as_uri()
        experiment_id = mlflow.create_experiment(
            config.experiment_name,
            artifact_location=location,
        )
    else:
        experiment_id = experiment.experiment_id
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def pip_requirements() -> list[str]:
    """What a model server needs to install to load the logged pipeline.

    Listing them saves MLflow from inferring them, which imports the model in a
    subprocess and takes seconds.
    """
    return [f"{name}=={version(name)}" for name in ("scikit-learn", "skops")]


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
    configure_tracking(config)
    nested = mlflow.active_run() is not None
    run_tags = dict(tags) if tags else None
    # Leaving the `with` block by an exception ends the run as FAILED.
    with mlflow.start_run(run_name=run_name, nested=nested, tags=run_tags) as run:
        # Parameters first: even a run whose training fails shows what it tried.
        mlflow.log_params(
            {**params, "dataset": DATASET_NAME, "cv_folds": config.cv_folds},
        )
        pipeline = build_pipeline(params)
        scores = cross_validation_scores(
            pipeline,
            dataset.X_train,
            dataset.y_train,
            folds=config.cv_folds,
            random_state=config.random_state,
        )
        pipeline.fit(dataset.X_train, dataset.y_train)
        scores |= holdout_metrics(pipeline, dataset.X_test, dataset.y_test)
        mlflow.log_metrics(scores)

        predicted = pipeline.predict(dataset.X_test)
        names = class_names()
        mlflow.log_dict(
            confusion_table(dataset.y_test, predicted, names),
            CONFUSION_ARTIFACT,
        )
        report = classification_report(
            dataset.y_test,
            predicted,
            labels=list(range(len(names))),
            target_names=names,
            zero_division=0,
        )
        mlflow.log_text(report, REPORT_ARTIFACT)
        mlflow.sklearn.log_model(
            pipeline,
            name=MODEL_ARTIFACT,
            signature=infer_signature(
                dataset.X_train,
                pipeline.predict(dataset.X_train),
            ),
            pip_requirements=pip_requirements(),
        )
    run_id: str = run.info.run_id
    return run_id
