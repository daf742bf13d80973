"""Descriptive statistics of the order lines, outliers and the revenue trend."""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from numpy.polynomial import Polynomial


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

    Comparing each line with its own product, not with all lines, keeps a
    £1,250 wedding cake normal and still catches 240 croissants. Returns a boolean
    series named ``outlier`` aligned with ``orders``. A ``factor`` of 1 or less
    raises ``ValueError``.
    """
    if factor <= 1:
        raise ValueError(f"the factor must be greater than 1, not {factor}")
    typical = orders.groupby("product")["revenue"].transform("median")
    return (orders["revenue"] > factor * typical).rename("outlier")


def summarise(orders: pd.DataFrame) -> Summary:
    """The ``Summary`` of ``orders``; an empty table raises ``ValueError``."""
    if orders.empty:
        raise ValueError("there are no order lines to summarise")
    revenue = orders["revenue"].to_numpy(dtype=np.float64)
    total = float(revenue.sum())
    online = float(revenue[(orders["channel"] == "online").to_numpy()].sum())
    return Summary(
        first_day=orders["date"].min().date(),
        last_day=orders["date"].max().date(),
        lines=len(orders),
        revenue=total,
        mean_line=float(np.mean(revenue)),
        median_line=float(np.median(revenue)),
        p90_line=float(np.percentile(revenue, 90)),
        online_share=online / total,
    )


def weekly_trend(weekly: pd.Series) -> float:
    """The slope of the least-squares line through the weekly values, in revenue
    per week: positive when sales grow.

    The weeks are taken as equally spaced (0, 1, 2, ...). Fewer than two weeks
    raise ``ValueError``.
    """
    if len(weekly) < 2:
        raise ValueError("a trend needs at least two weeks")
    weeks = np.arange(len(weekly), dtype=np.float64)
    line = Polynomial.fit(weeks, weekly.to_numpy(dtype=np.float64), deg=1).convert()
    # ``convert`` gives the coefficients in the units of ``weeks``, lowest degree
    # first, and drops trailing zeros: a flat line at zero keeps its intercept only.
    coefficients = line.coef
    return float(coefficients[1]) if len(coefficients) > 1 else 0.0
