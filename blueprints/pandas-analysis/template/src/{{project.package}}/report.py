"""Write the results of the analysis up as a Markdown report."""

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .stats import Summary


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, computed beforehand."""

    summary: Summary
    """The headline numbers (of the order lines kept, outliers left out)."""
    weekly_trend: float
    """The slope of the weekly revenue, in pounds per week."""
    by_store: pd.DataFrame
    """Revenue by store, from ``revenue_by_store``."""
    by_region: pd.DataFrame
    """Revenue by region and category, from ``category_by_region``."""
    monthly: pd.DataFrame
    """Month by month, from ``monthly_summary``."""
    outliers: pd.DataFrame
    """The order lines left out of the analysis as outliers (may be empty)."""
    figures: Mapping[str, str]
    """The figures to show: caption to path, relative to the report."""


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table, its index as the first column.

    Each line is its cells joined by ``" | "``, between ``"| "`` and ``" |"``:
    ``| store | city |``. The header row holds the index name (empty if it has
    none) and the column names; the second row aligns numeric columns right
    (``---:``) and the others left (``---``), the index column too. Cells:
    floats with two decimals and thousands separators (``12,345.68``), integers
    with thousands separators (``1,200``), dates and timestamps as
    ``2025-03-14``, missing values empty, anything else as ``str()`` gives it.
    Lines are joined with ``\\n``, with no newline at the end.
    """
    raise NotImplementedError("task 9 (report-and-cli)")


def build_report(data: ReportData) -> str:
    """The whole report, as Markdown text ending with a newline."""
    raise NotImplementedError("task 9 (report-and-cli)")
