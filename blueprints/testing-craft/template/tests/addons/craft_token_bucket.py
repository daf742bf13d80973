"""A token-bucket rate limiter: the reference of task craft-tdd-token-bucket.

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
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = float(capacity)
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        saved = self._tokens + (now - self._updated) * self.rate
        self._tokens = min(float(self.capacity), saved)
        self._updated = now

    def _check(self, tokens: int) -> None:
        if tokens < 1 or tokens > self.capacity:
            raise ValueError(f"tokens must be from 1 to {self.capacity}, not {tokens}")

    @property
    def available(self) -> float:
        """The tokens in the bucket now."""
        self._refill()
        return self._tokens

    def try_acquire(self, tokens: int = 1) -> bool:
        """Takes ``tokens`` if the bucket holds that many."""
        self._check(tokens)
        self._refill()
        if self._tokens < tokens:
            return False
        self._tokens -= tokens
        return True

    def wait_time(self, tokens: int = 1) -> float:
        """Seconds until ``try_acquire(tokens)`` would succeed."""
        self._check(tokens)
        self._refill()
        return max(0.0, (tokens - self._tokens) / self.rate)
