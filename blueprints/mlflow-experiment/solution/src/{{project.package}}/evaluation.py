"""How good a pipeline is: cross-validation, held-out metrics, a confusion table.

Two kinds of numbers, for two purposes:

- cross-validation scores come from the training set alone; they are what the
  sweep compares, so the test set never influences which model wins;
- held-out metrics come from the test set, once a model is chosen; they estimate
  how it will do on data it has never seen.
"""

from collections.abc import Sequence

import numpy.typing as npt
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

METRIC_NAMES = ("cv_f1_macro", "cv_f1_macro_std", "test_accuracy", "test_f1_macro")
"""Every metric a training run logs."""

SCORE_NAMES = ("cv_f1_macro", "test_accuracy", "test_f1_macro")
"""The metrics that can pick the best run: for each of them, higher is better."""


def cross_validation_scores(
    pipeline: Pipeline,
    features: pd.DataFrame,
    target: pd.Series,
    *,
    folds: int,
    random_state: int,
) -> dict[str, float]:
    """Cross-validate ``pipeline`` on the given rows.

    Stratified, shuffled ``folds``-fold cross-validation seeded with
    ``random_state``, scored with macro-averaged F1. Returns
    ``{"cv_f1_macro": <mean>, "cv_f1_macro_std": <standard deviation>}``.
    ``pipeline`` itself is left unfitted.
    """
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    # cross_val_score fits a clone of the pipeline on each fold: the scaler
    # learns from the fold's training rows only, and `pipeline` stays unfitted.
    scores = cross_val_score(
        pipeline,
        features,
        target,
        cv=splitter,
        scoring="f1_macro",
        error_score="raise",
    )
    return {"cv_f1_macro": float(scores.mean()), "cv_f1_macro_std": float(scores.std())}


def holdout_metrics(
    pipeline: Pipeline,
    features: pd.DataFrame,
    target: pd.Series,
) -> dict[str, float]:
    """Score a fitted ``pipeline`` on held-out rows.

    Returns ``{"test_accuracy": ..., "test_f1_macro": ...}``.
    """
    predicted = pipeline.predict(features)
    return {
        "test_accuracy": float(accuracy_score(target, predicted)),
        "test_f1_macro": float(f1_score(target, predicted, average="macro")),
    }


def confusion_table(
    actual: npt.ArrayLike,
    predicted: npt.ArrayLike,
    class_names: Sequence[str],
) -> dict[str, dict[str, int]]:
    """Count each (actual class, predicted class) pair, by class name.

    ``table[a][p]`` is how many rows of class ``a`` were predicted as ``p``.
    Every class appears as a row and as a column, even one that never occurs
    (its counts are 0). Class ``i`` is ``class_names[i]``.
    """
    # `labels` keeps a row and a column for a class that never occurs.
    counts = confusion_matrix(actual, predicted, labels=list(range(len(class_names))))
    return {
        actual_name: {
            predicted_name: int(counts[row, column])
            for column, predicted_name in enumerate(class_names)
        }
        for row, actual_name in enumerate(class_names)
    }
