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

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .version import InvalidVersion, Version, parse


class InvalidConstraint(ValueError):
    """Raised for text that is not a valid constraint."""


_COMPARATOR = re.compile(r"\s*(==|!=|>=|<=|>|<|\^|~)?\s*(\S+?)\s*")


def _same_precedence(a: Version, b: Version) -> bool:
    """``==`` of versions compares build metadata too; precedence does not."""
    return not (a < b or b < a)


def _other_precedence(a: Version, b: Version) -> bool:
    return not _same_precedence(a, b)


_OPERATORS: dict[str, Callable[[Version, Version], bool]] = {
    "==": _same_precedence,
    "!=": _other_precedence,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class _Comparator:
    """One ``operator version`` condition; ``^`` and ``~`` are two of them."""

    symbol: str
    version: Version

    def allows(self, version: Version) -> bool:
        return _OPERATORS[self.symbol](version, self.version)


def _upper_bound(symbol: str, version: Version) -> Version:
    """The first version that ``^version`` or ``~version`` no longer allows."""
    if symbol == "~":
        return Version(version.major, version.minor + 1, 0)
    if version.major > 0:
        return Version(version.major + 1, 0, 0)
    if version.minor > 0:
        return Version(0, version.minor + 1, 0)
    return Version(0, 0, version.patch + 1)


def _parse_constraint(constraint: str) -> list[_Comparator]:
    comparators: list[_Comparator] = []
    for text in constraint.split(","):
        match = _COMPARATOR.fullmatch(text)
        if match is None:
            raise InvalidConstraint(
                f"{constraint!r}: {text.strip()!r} is not a comparator"
            )
        symbol = match[1] or "=="
        try:
            version = parse(match[2])
        except InvalidVersion as error:
            raise InvalidConstraint(f"{constraint!r}: {error}") from error
        if symbol in ("^", "~"):
            comparators.append(_Comparator(">=", version))
            comparators.append(_Comparator("<", _upper_bound(symbol, version)))
        else:
            comparators.append(_Comparator(symbol, version))
    return comparators


def _allows(comparators: list[_Comparator], version: Version) -> bool:
    if version.is_prerelease and not any(
        c.version.is_prerelease
        and (c.version.major, c.version.minor, c.version.patch)
        == (version.major, version.minor, version.patch)
        for c in comparators
    ):
        return False
    return all(c.allows(version) for c in comparators)


def satisfies(version: Version | str, constraint: str) -> bool:
    """Whether ``version`` meets every comparator of ``constraint``.

    >>> satisfies("1.4.2", ">=1.2.0, <2.0.0")
    True
    >>> satisfies("0.3.0", "^0.2.3")
    False
    >>> satisfies("1.3.0-rc.1", "~1.2.0")
    False

    Raises ``InvalidConstraint`` for a bad constraint and ``InvalidVersion`` for
    a bad version.
    """
    comparators = _parse_constraint(constraint)
    if isinstance(version, str):
        version = parse(version)
    return _allows(comparators, version)


def max_satisfying(
    versions: Iterable[Version | str],
    constraint: str,
) -> Version | None:
    """The highest of ``versions`` that satisfies ``constraint``, if any.

    >>> str(max_satisfying(["1.2.0", "1.9.1", "2.0.0"], "^1.2.0"))
    '1.9.1'
    >>> print(max_satisfying(["1.2.0"], ">=2.0.0"))
    None
    """
    comparators = _parse_constraint(constraint)
    allowed = [
        version
        for version in (parse(v) if isinstance(v, str) else v for v in versions)
        if _allows(comparators, version)
    ]
    return max(allowed, default=None)
