"""The model: a scikit-learn ``Pipeline`` from raw measurements to a class.

Every step that learns from data (here the scaler's means and deviations, and the
classifier's weights) sits inside the pipeline. Fitting the pipeline fits them on
the training rows only, and cross-validation re-fits them on each fold: nothing
about the held-out rows leaks into training.
"""

from collections.abc import Mapping, Sequence

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

ParamValue = int | float | str
"""The value of one hyperparameter, such as ``2`` or ``0.1``."""

Params = Mapping[str, ParamValue]
"""Hyperparameters by pipeline parameter name, such as ``{"model__C": 0.1}``."""

ParamGrid = Mapping[str, Sequence[ParamValue]]
"""The values to try for each hyperparameter; a sweep tries every combination."""

DEFAULT_GRID: ParamGrid = {
    "features__degree": [1, 2],
    "model__C": [0.1, 1.0, 10.0],
}
"""The sweep the command line runs when it is given no values."""

MAX_ITER = 5000
"""Iterations the classifier may take to converge (a ConvergenceWarning is an error)."""


def build_pipeline(params: Params | None = None) -> Pipeline:
    """A new, unfitted pipeline with ``params`` applied.

    Three named steps, in this order:

    - ``"features"``: ``PolynomialFeatures`` (degree 2 unless ``params`` say
      otherwise, no bias column), products and squares of the measurements;
    - ``"scale"``: ``StandardScaler``, so every feature has mean 0 and variance 1;
    - ``"model"``: ``LogisticRegression`` with ``max_iter=MAX_ITER``.

    ``params`` use scikit-learn's ``<step>__<parameter>`` names; an unknown name
    is a ``ValueError``.
    """
    pipeline = Pipeline(
        [
            ("features", PolynomialFeatures(degree=2, include_bias=False)),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(max_iter=MAX_ITER)),
        ]
    )
    if params:
        pipeline.set_params(**params)
    return pipeline
