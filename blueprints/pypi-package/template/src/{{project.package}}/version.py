"""Semantic versions, as https://semver.org (2.0.0) defines them.

A version is ``MAJOR.MINOR.PATCH``, optionally followed by a pre-release
(``-rc.1``) and build metadata (``+build.5``). ``parse`` reads one, ``str`` writes
it back, the comparison operators order versions by semver precedence, and
``Version.bump`` computes the next one.
"""

from dataclasses import dataclass
from typing import Literal, Self

Identifier = int | str
"""One dot-separated pre-release identifier: numeric ones are ``int``."""

Part = Literal["major", "minor", "patch"]
"""The part of a version that ``Version.bump`` increments."""

PARTS: tuple[Part, ...] = ("major", "minor", "patch")


class InvalidVersion(ValueError):
    """Raised by ``parse`` for text that is not a semantic version."""


@dataclass(frozen=True, eq=True)
class Version:
    """A semantic version.

    ``==`` compares every field, build metadata included; ``<``, ``<=``, ``>``
    and ``>=`` follow semver precedence, which ignores build metadata.
    """

    major: int
    minor: int
    patch: int
    prerelease: tuple[Identifier, ...] = ()
    build: tuple[str, ...] = ()

    def __str__(self) -> str:
        raise NotImplementedError("task 1 (parse-versions)")

    @property
    def is_prerelease(self) -> bool:
        """Whether this version has a pre-release part, like ``2.0.0-beta``."""
        raise NotImplementedError("task 1 (parse-versions)")

    def __lt__(self, other: object) -> bool:
        raise NotImplementedError("task 2 (compare-versions)")

    def __le__(self, other: object) -> bool:
        raise NotImplementedError("task 2 (compare-versions)")

    def __gt__(self, other: object) -> bool:
        raise NotImplementedError("task 2 (compare-versions)")

    def __ge__(self, other: object) -> bool:
        raise NotImplementedError("task 2 (compare-versions)")

    def bump(self, part: Part) -> Self:
        """Return the next ``major``, ``minor`` or ``patch`` release.

        The lower parts restart at 0 and build metadata is dropped. A pre-release
        becomes the release it was leading to, when bumping would not go past it.
        """
        raise NotImplementedError("task 3 (bump-versions)")

    def bump_prerelease(self, label: str = "rc") -> Self:
        """Return the next pre-release called ``label``.

        A release starts the first pre-release of its next patch; a pre-release
        with the same label counts up; a later label starts again at 1. Build
        metadata is dropped. A label that would go backwards is a ``ValueError``.
        """
        raise NotImplementedError("task 3 (bump-versions)")


def parse(text: str) -> Version:
    """Read a semantic version, with an optional leading ``v`` as in git tags.

    Numeric pre-release identifiers become ``int``; build identifiers stay text.
    """
    raise NotImplementedError("task 1 (parse-versions)")
