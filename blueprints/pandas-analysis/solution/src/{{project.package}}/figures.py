"""Charts of the analysis, saved as PNG files.

The figures are built with ``matplotlib.figure.Figure`` directly rather than
``pyplot``: no window is ever opened, nothing global is kept, and the figure is
freed as soon as nobody holds it. ``savefig`` renders PNG files with the Agg
backend, which needs no display.
"""

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

MONEY_LABEL = "Revenue (£)"


def plot_weekly_revenue(weekly: pd.Series, rolling: pd.Series, path: Path) -> Figure:
    """Draw the weekly revenue and its rolling mean as two lines; save a PNG.

    The figure is 10 x 5 inches at 100 dpi (a 1000 x 500 pixel PNG), titled
    ``Weekly revenue``, with the x axis labelled ``Week`` and the y axis
    ``Revenue (£)``, and a legend. Returns the figure.
    """
    figure = Figure(figsize=(10, 5), dpi=100, layout="constrained")
    axes = figure.subplots()
    axes.plot(weekly.index, weekly.to_numpy(), label="Weekly revenue", color="#9db4c0")
    axes.plot(rolling.index, rolling.to_numpy(), label="Rolling mean", color="#1d3557")
    axes.set_title("Weekly revenue")
    axes.set_xlabel("Week")
    axes.set_ylabel(MONEY_LABEL)
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.savefig(path, format="png")
    return figure


def plot_store_revenue(by_store: pd.DataFrame, path: Path) -> Figure:
    """Draw the ``revenue`` of each store (the index) as horizontal bars; save a PNG.

    The figure is 8 x 5 inches at 100 dpi (an 800 x 500 pixel PNG), titled
    ``Revenue by store``, with the x axis labelled ``Revenue (£)`` and the y axis
    ``Store``, one bar per store, the best seller at the top. Returns the figure.
    """
    figure = Figure(figsize=(8, 5), dpi=100, layout="constrained")
    axes = figure.subplots()
    ordered = by_store.sort_values("revenue")
    axes.barh(
        ordered.index.astype("str"), ordered["revenue"].to_numpy(), color="#457b9d"
    )
    axes.set_title("Revenue by store")
    axes.set_xlabel(MONEY_LABEL)
    axes.set_ylabel("Store")
    axes.grid(axis="x", alpha=0.3)
    figure.savefig(path, format="png")
    return figure
