"""Write the results of the analysis up as a Markdown report."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
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


def money(amount: float) -> str:
    """``1234.5`` as ``£1,234.50``."""
    return f"£{amount:,.2f}"


def _cell(value: object) -> str:
    """One value of a table as Markdown text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else f"{float(value):,.2f}"
    if isinstance(value, date):  # datetime and pandas.Timestamp included
        return value.strftime("%Y-%m-%d")
    return str(value)


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


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
    index_name = "" if frame.index.name is None else str(frame.index.name)
    header = [index_name, *(str(column) for column in frame.columns)]
    alignments = ["---"]
    for dtype in frame.dtypes:
        numeric = pd.api.types.is_numeric_dtype(
            dtype
        ) and not pd.api.types.is_bool_dtype(dtype)
        alignments.append("---:" if numeric else "---")
    rows = [_row(_cell(value) for value in row) for row in frame.itertuples(name=None)]
    return "\n".join([_row(header), _row(alignments), *rows])


def _monthly_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """The monthly summary as shown: months as ``2025-03``, growth as ``+4.2%``."""
    table = monthly.copy()
    if isinstance(table.index, pd.DatetimeIndex):
        table.index = pd.Index(table.index.strftime("%Y-%m"), name="month")
    if "growth" in table.columns:
        growth = table["growth"].astype("float64")
        table["growth"] = growth.map(
            lambda value: "" if math.isnan(value) else f"{value:+.1%}"
        )
    return table


def build_report(data: ReportData) -> str:
    """The whole report, as Markdown text ending with a newline."""
    summary = data.summary
    sign = "-" if data.weekly_trend < 0 else "+"
    lines = [
        f"# Sales report: {summary.first_day:%Y-%m-%d} to {summary.last_day:%Y-%m-%d}",
        "",
        f"- Order lines: {summary.lines:,}",
        f"- Revenue: {money(summary.revenue)}",
        f"- Mean order line: {money(summary.mean_line)}",
        f"- Median order line: {money(summary.median_line)}",
        f"- 90th percentile of an order line: {money(summary.p90_line)}",
        f"- Sold online: {summary.online_share:.1%}",
        f"- Weekly trend: {sign}{money(abs(data.weekly_trend))} per week",
        "",
        "## Revenue by store",
        "",
        markdown_table(data.by_store),
        "",
        "## Revenue by region and category",
        "",
        markdown_table(data.by_region),
        "",
        "## Month by month",
        "",
        markdown_table(_monthly_table(data.monthly)),
        "",
        "## Figures",
        "",
    ]
    for caption, path in data.figures.items():
        lines += [f"![{caption}]({path})", ""]
    lines += ["## Outliers", ""]
    if data.outliers.empty:
        lines.append("No order line was left out.")
    else:
        count = len(data.outliers)
        lines += [
            f"{count:,} order lines were left out of the analysis as outliers:",
            "",
            markdown_table(data.outliers),
        ]
    return "\n".join(lines) + "\n"
