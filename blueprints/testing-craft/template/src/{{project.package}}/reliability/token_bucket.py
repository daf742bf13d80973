"""A token-bucket rate limiter, written test first (task craft-tdd-token-bucket).

The specification:

- ``TokenBucket(rate, capacity, clock=time.monotonic)``: ``rate`` tokens are added
  each second, up to ``capacity`` saved up; the bucket starts full. ``clock()``
  gives the time in seconds. A ``rate`` that is not positive, or a ``capacity``
  under 1, raises ``ValueError`` naming the value.
- ``available`` (a property): the tokens in the bucket now, a float.
- ``try_acquire(tokens=1)``: takes ``tokens`` and returns ``True`` when that many
  are in the bucket; otherwise takes nothing and returns ``False``.
- ``wait_time(tokens=1)``: the seconds until ``try_acquire(tokens)`` would
  succeed; ``0.0`` when it would now.
- Both raise ``ValueError`` naming the value for ``tokens`` under 1 or over
  ``capacity`` (a request that could never succeed).
"""

import time
from collections.abc import Callable


class TokenBucket:
    """Allows ``rate`` operations a second on average, in bursts of up to ``capacity``."""

    def __init__(
        self,
        rate: float,
        capacity: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        raise NotImplementedError("craft-tdd-token-bucket: write the tests, then this")

    @property
    def available(self) -> float:
        """The tokens in the bucket now."""
        raise NotImplementedError("craft-tdd-token-bucket: write the tests, then this")

    def try_acquire(self, tokens: int = 1) -> bool:
        """Takes ``tokens`` if the bucket holds that many."""
        raise NotImplementedError("craft-tdd-token-bucket: write the tests, then this")

    def wait_time(self, tokens: int = 1) -> float:
        """Seconds until ``try_acquire(tokens)`` would succeed."""
        raise NotImplementedError("craft-tdd-token-bucket: write the tests, then this")
