"""The population stability index (PSI): how far a sample has moved from a reference.

The reference (the data the model was trained on) is cut into bins at its own
quantiles, so that each bin holds about the same share of it; the current sample
(a batch seen in production) is counted into the same bins. The index adds up,
over the bins, how much each share moved, weighted by how far it moved in
relative terms:

    PSI = sum over bins of (current share - reference share) * ln(current share / reference share)

It is 0 for identical distributions and grows with the shift. The usual reading:
under 0.1 stable, 0.1 to 0.25 a moderate shift, over 0.25 a major one.
"""

from numpy.typing import ArrayLike

EPSILON = 1e-4
"""The smallest share a bin is given: an empty bin would make ``ln(0)``."""


def population_stability_index(
    reference: ArrayLike, current: ArrayLike, *, bins: int = 10
) -> float:
    """The PSI of ``current`` against ``reference``, in ``bins`` quantile bins of
    the reference (fewer when its quantiles repeat).

    Task mon-psi.
    """
    raise NotImplementedError("mon-psi: the population stability index")
