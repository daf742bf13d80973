"""GET a URL again when the failure is worth a retry, backing off each time."""

import asyncio
import random
from collections.abc import Awaitable, Callable

import httpx

Sleep = Callable[[float], Awaitable[None]]
Jitter = Callable[[float, float], float]

# Statuses that say "try again later": the server is overloaded or restarting.
RETRYABLE = frozenset({429, 500, 502, 503, 504})


async def get_with_retry(
    client: httpx.AsyncClient,
    url: str,
    *,
    attempts: int = 4,
    base_delay: float = 0.5,
    sleep: Sleep = asyncio.sleep,
    jitter: Jitter = random.uniform,
) -> httpx.Response:
    """GET ``url``, up to ``attempts`` times in all.

    Retries a retryable status or an ``httpx.TransportError``. Before the n-th
    retry it awaits ``sleep(base_delay * 2 ** (n - 1) + jitter(0, base_delay))``,
    or exactly the seconds of a 429's ``Retry-After``. Returns the last response,
    or raises the last transport error.
    """
    raise NotImplementedError("retry-with-backoff: retry with exponential backoff")
