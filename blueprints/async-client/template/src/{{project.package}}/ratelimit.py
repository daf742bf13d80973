"""Keep to a rate: a token bucket that concurrent tasks share."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """Lets callers through at ``rate`` a second on average, ``burst`` at once.

    A token bucket: it holds at most ``burst`` tokens and starts full; it gains
    ``rate`` tokens a second, counted by ``clock`` (seconds); each caller of
    ``acquire`` takes one token, waiting with ``sleep`` until there is one.
    Waiting callers are let through in the order they called, and a caller
    cancelled while it waits takes no token.

    Use it around each request: ``async with limiter: await client.get(url)``.
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be above 0 requests a second, not {rate}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1 request, not {burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep

    async def acquire(self) -> None:
        """Wait until a token is free, and take it."""
        raise NotImplementedError("rate-limit: keep to a rate with a token bucket")

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None
