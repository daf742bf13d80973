"""Version constraints: which versions does ``">=1.2.0, <2.0.0"`` allow?

A constraint is one or more comparators separated by commas, and a version
satisfies it when it satisfies every comparator. A comparator is an operator
followed by a full semantic version:

- ``==1.2.3`` (or just ``1.2.3``): the same precedence, whatever the build;
- ``!=1.2.3``: any other precedence;
- ``>1.2.3``, ``>=1.2.3``, ``<1.2.3``, ``<=1.2.3``: by precedence;
- ``^1.2.3``: no breaking change, ``>=1.2.3, <2.0.0``; below 1.0.0 the first
  non-zero part is the breaking one: ``^0.2.3`` is ``>=0.2.3, <0.3.0`` and
  ``^0.0.3`` is ``>=0.0.3, <0.0.4``;
- ``~1.2.3``: patches only, ``>=1.2.3, <1.3.0``.

A pre-release is only allowed when a comparator names a pre-release of the same
``MAJOR.MINOR.PATCH``: ``>=1.2.3-rc.1`` allows ``1.2.3-rc.2`` but not
``1.2.4-rc.1``, and ``^1.0.0`` allows no pre-release at all. Someone who asks for
pre-releases asks for those of one release, not for every experiment after it.
"""

from collections.abc import Iterable

from .version import Version


class InvalidConstraint(ValueError):
    """Raised for text that is not a valid constraint."""


def satisfies(version: Version | str, constraint: str) -> bool:
    """Whether ``version`` meets every comparator of ``constraint``.

    Raises ``InvalidConstraint`` for a bad constraint and ``InvalidVersion`` for
    a bad version.
    """
    raise NotImplementedError("task 4 (match-constraints)")


def max_satisfying(
    versions: Iterable[Version | str],
    constraint: str,
) -> Version | None:
    """The highest of ``versions`` that satisfies ``constraint``, if any."""
    raise NotImplementedError("task 4 (match-constraints)")
