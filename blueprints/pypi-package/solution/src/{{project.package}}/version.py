"""Semantic versions, as https://semver.org (2.0.0) defines them.

A version is ``MAJOR.MINOR.PATCH``, optionally followed by a pre-release
(``-rc.1``) and build metadata (``+build.5``). ``parse`` reads one, ``str`` writes
it back, the comparison operators order versions by semver precedence, and
``Version.bump`` computes the next one.
"""

import re
from dataclasses import dataclass, replace
from typing import Literal, Self

Identifier = int | str
"""One dot-separated pre-release identifier: numeric ones are ``int``."""

Part = Literal["major", "minor", "patch"]
"""The part of a version that ``Version.bump`` increments."""

PARTS: tuple[Part, ...] = ("major", "minor", "patch")

_Precedence = tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]

# [0-9], never \d: \d also matches digits of other scripts, such as "\u0661".
_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRERELEASE_PART = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_PART = r"[0-9A-Za-z-]+"
_VERSION = re.compile(
    rf"v?(?P<major>{_NUMBER})\.(?P<minor>{_NUMBER})\.(?P<patch>{_NUMBER})"
    rf"(?:-(?P<prerelease>{_PRERELEASE_PART}(?:\.{_PRERELEASE_PART})*))?"
    rf"(?:\+(?P<build>{_BUILD_PART}(?:\.{_BUILD_PART})*))?"
)
_LABEL = re.compile(r"[0-9]*[A-Za-z-][0-9A-Za-z-]*")


class InvalidVersion(ValueError):
    """Raised by ``parse`` for text that is not a semantic version."""


@dataclass(frozen=True, eq=True)
class Version:
    """A semantic version.

    ``==`` compares every field, build metadata included; ``<``, ``<=``, ``>``
    and ``>=`` follow semver precedence, which ignores build metadata.

    >>> v = Version(1, 4, 2, prerelease=("rc", 1))
    >>> str(v)
    '1.4.2-rc.1'
    >>> v.is_prerelease
    True
    >>> v < Version(1, 4, 2)
    True
    """

    major: int
    minor: int
    patch: int
    prerelease: tuple[Identifier, ...] = ()
    build: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(str(part) for part in self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    @property
    def is_prerelease(self) -> bool:
        """Whether this version has a pre-release part, like ``2.0.0-beta``."""
        return bool(self.prerelease)

    def _precedence(self) -> _Precedence:
        """A key that sorts versions in semver precedence order.

        A release sorts after all its pre-releases (the fourth item). Numeric
        identifiers sort numerically and before alphanumeric ones, which sort as
        text; a shorter list of identifiers sorts before a longer one it starts.
        Build metadata is left out: it never changes precedence.
        """
        identifiers = tuple(
            (0, part, "") if isinstance(part, int) else (1, 0, part)
            for part in self.prerelease
        )
        release = 0 if self.prerelease else 1
        return (self.major, self.minor, self.patch, release, identifiers)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence() < other._precedence()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence() <= other._precedence()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence() > other._precedence()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence() >= other._precedence()

    def bump(self, part: Part) -> Self:
        """Return the next ``major``, ``minor`` or ``patch`` release.

        The lower parts restart at 0 and build metadata is dropped. A pre-release
        becomes the release it was leading to, when bumping would not go past it.

        >>> str(parse("1.4.2").bump("minor"))
        '1.5.0'
        >>> str(parse("1.4.2+build.7").bump("patch"))
        '1.4.3'
        >>> str(parse("2.0.0-rc.2").bump("major"))
        '2.0.0'
        """
        if part not in PARTS:
            raise ValueError(f"cannot bump {part!r}: choose one of {', '.join(PARTS)}")
        major, minor, patch = self.major, self.minor, self.patch
        pending = self.is_prerelease
        if part == "major":
            if not (pending and minor == 0 and patch == 0):
                major += 1
            minor = patch = 0
        elif part == "minor":
            if not (pending and patch == 0):
                minor += 1
            patch = 0
        elif not pending:
            patch += 1
        return replace(
            self, major=major, minor=minor, patch=patch, prerelease=(), build=()
        )

    def bump_prerelease(self, label: str = "rc") -> Self:
        """Return the next pre-release called ``label``.

        A release starts the first pre-release of its next patch; a pre-release
        with the same label counts up; a later label starts again at 1. Build
        metadata is dropped. A label that would go backwards is a ``ValueError``.

        >>> str(parse("1.4.2").bump_prerelease())
        '1.4.3-rc.1'
        >>> str(parse("1.4.3-rc.1").bump_prerelease())
        '1.4.3-rc.2'
        >>> str(parse("2.0.0-alpha.4").bump_prerelease("beta"))
        '2.0.0-beta.1'
        """
        if not _LABEL.fullmatch(label):
            raise ValueError(
                f"invalid pre-release label {label!r}: use letters, digits and "
                "hyphens, with at least one letter or hyphen"
            )
        if not self.prerelease:
            return replace(self, patch=self.patch + 1, prerelease=(label, 1), build=())
        if self.prerelease[0] == label:
            *head, last = self.prerelease
            if isinstance(last, int):
                prerelease = (*head, last + 1)
            else:
                prerelease = (*self.prerelease, 1)
            return replace(self, prerelease=prerelease, build=())
        bumped = replace(self, prerelease=(label, 1), build=())
        if bumped <= self:
            raise ValueError(
                f"pre-release {label!r} would come before {str(self)!r}: "
                "bumping must go forward"
            )
        return bumped


def parse(text: str) -> Version:
    """Read a semantic version, with an optional leading ``v`` as in git tags.

    Numeric pre-release identifiers become ``int``; build identifiers stay text.

    >>> parse("v1.4.2-rc.1+build.7")
    Version(major=1, minor=4, patch=2, prerelease=('rc', 1), build=('build', '7'))
    >>> try:
    ...     parse("1.4")
    ... except InvalidVersion as error:
    ...     print(error)
    '1.4' is not a semantic version (MAJOR.MINOR.PATCH)
    """
    match = _VERSION.fullmatch(text)
    if match is None:
        raise InvalidVersion(
            f"{text!r} is not a semantic version (MAJOR.MINOR.PATCH)",
        )
    prerelease = match["prerelease"]
    build = match["build"]
    return Version(
        major=int(match["major"]),
        minor=int(match["minor"]),
        patch=int(match["patch"]),
        prerelease=tuple(
            int(part) if part.isdigit() else part for part in prerelease.split(".")
        )
        if prerelease
        else (),
        build=tuple(build.split(".")) if build else (),
    )
