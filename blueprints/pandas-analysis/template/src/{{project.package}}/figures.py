"""Charts of the analysis, saved as PNG files.

Nothing here may open a window: the tests, a CI runner or a server have no
display. Build figures that render to files only (see the hints of task 8).
"""

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure


def plot_weekly_revenue(weekly: pd.Series, rolling: pd.Series, path: Path) -> Figure:
    """Draw the weekly revenue and its rolling mean as two lines; save a PNG.

    The figure is 10 x 5 inches at 100 dpi (a 1000 x 500 pixel PNG), titled
    ``Weekly revenue``, with the x axis labelled ``Week`` and the y axis
    ``Revenue (£)``, and a legend. Returns the figure.
    """
    raise NotImplementedError("task 8 (plot-figures)")


def plot_store_revenue(by_store: pd.DataFrame, path: Path) -> Figure:
    """Draw the ``revenue`` of each store (the index) as horizontal bars; save a PNG.

    The figure is 8 x 5 inches at 100 dpi (an 800 x 500 pixel PNG), titled
    ``Revenue by store``, with the x axis labelled ``Revenue (£)`` and the y axis
    ``Store``, one bar per store, the best seller at the top. Returns the figure.
    """
    raise NotImplementedError("task 8 (plot-figures)")
