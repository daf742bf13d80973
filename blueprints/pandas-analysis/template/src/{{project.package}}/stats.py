"""Descriptive statistics of the order lines, outliers and the revenue trend."""

from dataclasses import dataclass
from datetime import date

import pandas as pd


@dataclass(frozen=True)
class Summary:
    """The headline numbers of a set of cleaned order lines."""

    first_day: date
    """The date of the first order line."""
    last_day: date
    """The date of the last order line."""
    lines: int
    """How many order lines there are."""
    revenue: float
    """Their total revenue."""
    mean_line: float
    """The mean revenue of an order line."""
    median_line: float
    """The median revenue of an order line."""
    p90_line: float
    """The 90th percentile of the revenue of an order line (linear interpolation)."""
    online_share: float
    """The fraction of the revenue sold online, between 0 and 1."""


def flag_outliers(orders: pd.DataFrame, factor: float = 10.0) -> pd.Series:
    """Mark the order lines whose revenue is more than ``factor`` times the median
    revenue of the lines of the same product.

    Returns a boolean series named ``outlier`` aligned with ``orders``. A
    ``factor`` of 1 or less raises ``ValueError``.
    """
    raise NotImplementedError("task 7 (outliers-and-statistics)")


def summarise(orders: pd.DataFrame) -> Summary:
    """The ``Summary`` of ``orders``; an empty table raises ``ValueError``."""
    raise NotImplementedError("task 7 (outliers-and-statistics)")


def weekly_trend(weekly: pd.Series) -> float:
    """The slope of the least-squares line through the weekly values, in revenue
    per week: positive when sales grow.

    The weeks are taken as equally spaced (0, 1, 2, ...). Fewer than two weeks
    raise ``ValueError``.
    """
    raise NotImplementedError("task 7 (outliers-and-statistics)")
