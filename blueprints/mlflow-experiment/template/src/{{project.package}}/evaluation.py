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
    raise NotImplementedError("task 3 (evaluate-the-model)")


def holdout_metrics(
    pipeline: Pipeline,
    features: pd.DataFrame,
    target: pd.Series,
) -> dict[str, float]:
    """Score a fitted ``pipeline`` on held-out rows.

    Returns ``{"test_accuracy": ..., "test_f1_macro": ...}``.
    """
    raise NotImplementedError("task 3 (evaluate-the-model)")


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
    raise NotImplementedError("task 3 (evaluate-the-model)")
