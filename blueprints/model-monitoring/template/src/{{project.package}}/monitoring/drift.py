"""Data drift: has each feature of the current data moved away from the reference?

Two measures per feature: the two-sample Kolmogorov-Smirnov test asks whether the
difference could be chance, and the population stability index says how large
it is. A monitor that tests many features at once corrects the test's level for
their number (Bonferroni), or it raises false alarms on data that did not move;
and with thousands of rows the test calls a tiny shift significant, so a feature
has drifted only when the shift is both significant and material.
"""

from dataclasses import dataclass

import pandas as pd

MIN_PSI = 0.1
"""The smallest PSI that counts as a shift (under it, the usual reading is "stable")."""


@dataclass(frozen=True)
class FeatureDrift:
    """How far one feature moved."""

    feature: str
    psi: float
    """The population stability index of the current column against the reference's."""
    ks_statistic: float
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two
    empirical distribution functions, 0 to 1."""
    p_value: float
    """The test's two-sided p-value."""
    drifted: bool
    """Whether the shift is significant after the Bonferroni correction and at least
    ``MIN_PSI``."""


def feature_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    alpha: float = 0.05,
    min_psi: float = MIN_PSI,
    bins: int = 10,
) -> list[FeatureDrift]:
    """Compare every column of ``reference`` with the column of that name in
    ``current``, in the reference's order.

    A feature has drifted when its p-value is below ``alpha`` divided by the number
    of features and its PSI (in ``bins`` bins) is at least ``min_psi``. Columns
    only ``current`` has are ignored; ``ValueError`` names a column ``current``
    lacks, or one with a missing value.

    Task mon-feature-drift.
    """
    raise NotImplementedError("mon-feature-drift: a KS test and a PSI per feature")
