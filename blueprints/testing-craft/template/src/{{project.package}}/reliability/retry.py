"""Retrying a call that fails for a while, with exponential backoff and a cap."""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class RetryError(Exception):
    """Every attempt failed. ``__cause__`` is the last failure."""

    def __init__(self, attempts: int) -> None:
        super().__init__(f"gave up after {attempts} attempts")
        self.attempts = attempts


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try a call, and how long to pause in between.

    The first pause is ``base_delay`` seconds; each next one is ``factor`` times the
    one before, and none is longer than ``max_delay``. Only the exceptions of
    ``retry_on`` are retried: any other one is raised at once.
    """

    attempts: int = 3
    base_delay: float = 0.5
    factor: float = 2.0
    max_delay: float = 30.0
    retry_on: tuple[type[Exception], ...] = (OSError,)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {self.attempts}")
        if self.base_delay < 0 or self.factor < 1:
            raise ValueError("base_delay must be >= 0 and factor >= 1")

    def delays(self) -> Iterator[float]:
        """The pauses between attempts, in seconds: one fewer than the attempts."""
        delay = self.base_delay
        for _ in range(self.attempts - 1):
            yield min(delay, self.max_delay)
            delay *= self.factor

    def call(
        self, func: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep
    ) -> T:
        """``func()``'s result, retried after each failure of ``retry_on``.

        Raises ``RetryError`` (from the last failure) once every attempt failed.
        """
        pauses = self.delays()
        while True:
            try:
                return func()
            except self.retry_on as error:
                pause = next(pauses, None)
                if pause is None:
                    raise RetryError(self.attempts) from error
                sleep(pause)
