"""Revenue through time: weekly and monthly totals, and a rolling mean."""

import pandas as pd


def weekly_revenue(orders: pd.DataFrame) -> pd.Series:
    """Total revenue of each week (Monday to Sunday), labelled by its Sunday.

    Every week from the first order to the last is present: a week without sales
    shows ``0.0``. The index is a ``DatetimeIndex`` with frequency ``W-SUN``; the
    series is named ``revenue``.
    """
    weekly = orders.set_index("date")["revenue"].resample("W-SUN").sum()
    return weekly.rename("revenue")


def monthly_summary(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar month, indexed by its first day (frequency ``MS``).

    Columns: ``revenue`` (the total), ``lines`` (the number of order lines) and
    ``growth`` (the change in revenue from the month before, as a fraction:
    ``0.1`` is 10 % more; ``NaN`` for the first month).
    """
    monthly = orders.resample("MS", on="date").agg(
        revenue=("revenue", "sum"),
        lines=("order_id", "count"),
    )
    monthly["growth"] = monthly["revenue"].pct_change()
    return monthly


def rolling_mean(series: pd.Series, window: int) -> pd.Series:
    """The trailing mean of the last ``window`` values at each point.

    The first ``window - 1`` points have no full window and are ``NaN``. A
    ``window`` below 1 raises ``ValueError``.
    """
    if window < 1:
        raise ValueError(f"the window must be at least 1, not {window}")
    return series.rolling(window, min_periods=window).mean()
