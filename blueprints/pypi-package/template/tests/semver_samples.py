"""Semantic versions the tests make up, from a fixed seed: the same ones every run.

The task tests name a few dozen versions; code that knows only those (a table of
answers) would pass them. These samples are new to the code under test, and the
tests know the right answers from the parts each sample was made of.
"""

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

Precedence = tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]

# Pre-release labels, in ASCII order: "-" < digits < upper case < lower case.
LABELS = ["-x", "0a", "Beta", "RC", "alpha", "beta", "dev", "rc", "x-y"]
BUILDS = ["007", "build", "Exp", "sha-5114F85", "linux", "x86-64", "0", "-"]


@dataclass(frozen=True)
class Sample:
    """A version made from its parts, and its text."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...]
    build: tuple[str, ...]

    @property
    def text(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(map(str, self.prerelease))
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    @property
    def precedence(self) -> Precedence:
        """What semver.org, item 11, orders by: a key to compare with ``<``."""
        identifiers = tuple(
            (0, part, "") if isinstance(part, int) else (1, 0, part)
            for part in self.prerelease
        )
        release = 0 if self.prerelease else 1
        return (self.major, self.minor, self.patch, release, identifiers)

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)


def samples(seed: int, count: int) -> list[Sample]:
    """``count`` versions, made up from ``seed``.

    Small numbers, so that many share a part and precedence has ties to break;
    now and then a large one, so that numbers must compare as numbers.
    """
    rng = random.Random(seed)

    def number() -> int:
        return rng.choice([0, 0, 1, 1, 2, 3, 9, 10, 11, rng.randrange(100, 10**6)])

    def identifier() -> int | str:
        return number() if rng.random() < 0.5 else rng.choice(LABELS)

    made: list[Sample] = []
    for _ in range(count):
        prerelease: tuple[int | str, ...] = ()
        if rng.random() < 0.5:
            length = rng.choice([1, 1, 2, 2, 3])
            prerelease = tuple(identifier() for _ in range(length))
        build: tuple[str, ...] = ()
        if rng.random() < 0.3:
            build = tuple(rng.sample(BUILDS, rng.choice([1, 2])))
        made.append(Sample(number(), number(), number(), prerelease, build))
    return made


class _OutOfReach(ModuleType):
    """Stands for a module of the tests while the package's code runs."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(
            f"the package used {self.__name__}.{name}: the package must not use "
            "the tests' code; compute the answers yourself"
        )


@contextmanager
def tests_out_of_reach() -> Iterator[None]:
    """While it is open, the package cannot import or look up the tests' modules."""
    folder = Path(__file__).resolve().parent
    hidden: dict[str, ModuleType] = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and Path(file).resolve().is_relative_to(folder):
            hidden[name] = module
    try:
        for name in hidden:
            sys.modules[name] = _OutOfReach(name)
        yield
    finally:
        sys.modules.update(hidden)
