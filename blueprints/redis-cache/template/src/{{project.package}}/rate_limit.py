"""Rate limiting in Redis: a sliding window per client, shared by every process.

``SlidingWindowLimiter.hit(identity)`` answers whether one more request of that
client fits in the last ``window_seconds``: at most ``limit`` requests are let
through in any window of that length, wherever it starts. Each client's recent
requests are the members of a Redis sorted set, scored by their time.

``enforce_rate_limit`` is the FastAPI dependency that applies it per API key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import redis
from fastapi import Depends, Request, Response
from fastapi.security import APIKeyHeader

Clock = Callable[[], float]
"""A function returning the current time in seconds (``time.time``)."""


@dataclass(frozen=True)
class Decision:
    """What the limiter decided for one request."""

    allowed: bool
    remaining: int
    """Requests the client may still make in the current window."""
    retry_after: float
    """Seconds until one more request would be allowed (0 when allowed)."""


class SlidingWindowLimiter:
    """At most ``limit`` requests per ``window_seconds`` for each identity."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        limit: int,
        window_seconds: float,
        clock: Clock,
        prefix: str = "ratelimit:v1",
    ) -> None:
        self._redis = client
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._prefix = prefix

    def hit(self, identity: str) -> Decision:
        """Count one request of ``identity`` if it fits, and say whether it did."""
        raise NotImplementedError("redis-rate-limit: a sliding window on a sorted set")


api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="RateLimitKey",
    description="Requests are counted per API key (per client address without one).",
    auto_error=False,
)


def get_rate_limiter(request: Request) -> SlidingWindowLimiter:
    """The limiter of the app handling ``request`` (on ``app.state``)."""
    limiter: SlidingWindowLimiter = request.app.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[SlidingWindowLimiter, Depends(get_rate_limiter)]


def enforce_rate_limit(
    request: Request,
    response: Response,
    limiter: RateLimiterDep,
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> None:
    """Refuse the request with 429 once its client has used up its window."""
    raise NotImplementedError("redis-rate-limit-dependency: apply the limiter")
