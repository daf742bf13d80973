"""Watch a batch of production data: drift in the features and in the predictions,
alerts in the log, and a report for people.

Labels seldom arrive in time to measure accuracy in production, but the
predictions do: when the share of each class the model predicts moves, either
the inputs moved or the model meets cases it did not learn. ``monitor`` checks
both, logs a warning for each drift it finds, and ``write_report`` keeps what it
found as JSON (for a dashboard or a CI job) and Markdown (for a person).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from numpy.typing import ArrayLike

from .drift import FeatureDrift

MONITOR_LOGGER = __name__
"""The logger the alerts go to (``<package>.monitoring.report``)."""

PREDICTION_ALERT_PSI = 0.25
"""The PSI of the predicted classes from which they have drifted (a major shift)."""

logger = logging.getLogger(MONITOR_LOGGER)


@dataclass(frozen=True)
class PredictionDrift:
    """How far the share of each predicted class moved."""

    psi: float
    reference_shares: dict[str, float]
    """Each class's share of the reference predictions, by class name, 0 to 1."""
    current_shares: dict[str, float]
    drifted: bool
    """Whether ``psi`` is at least ``PREDICTION_ALERT_PSI``."""


@dataclass(frozen=True)
class DriftReport:
    """What one monitoring run found."""

    generated_at: datetime
    reference_rows: int
    current_rows: int
    features: list[FeatureDrift]
    predictions: PredictionDrift

    @property
    def alert(self) -> bool:
        """Whether any feature or the predictions drifted. Task mon-prediction-drift."""
        raise NotImplementedError("mon-prediction-drift: the alert")


def prediction_drift(
    reference: ArrayLike, current: ArrayLike, classes: Sequence[str]
) -> PredictionDrift:
    """The PSI of the current predictions' classes (class numbers, indexes into
    ``classes``) against the reference's, each share at least ``EPSILON``;
    ``ValueError`` for a class number out of range.

    Task mon-prediction-drift.
    """
    raise NotImplementedError("mon-prediction-drift: drift in the predicted classes")


def monitor(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    reference_predictions: ArrayLike,
    current_predictions: ArrayLike,
    classes: Sequence[str],
    *,
    now: datetime | None = None,
) -> DriftReport:
    """Check ``current`` (a batch, and the model's predictions for it) against the
    reference, and log a warning on ``MONITOR_LOGGER`` for each drift found.

    Task mon-prediction-drift.
    """
    raise NotImplementedError("mon-prediction-drift: monitor a batch")


def write_report(report: DriftReport, folder: Path) -> tuple[Path, Path]:
    """Write ``drift.json`` and ``drift.md`` into ``folder`` (made if need be);
    return their paths.

    Task mon-report.
    """
    raise NotImplementedError("mon-report: the drift report")
