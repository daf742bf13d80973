"""The most visited bookmarks, kept in a Redis sorted set.

Each visit adds one to a bookmark's score; the top of the board is read back
from Redis already sorted, however many bookmarks there are.
"""

from typing import Annotated

import redis
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

LEADERBOARD_KEY = "leaderboard:v1:visits"
"""The sorted set of visits: members are bookmark ids, scores their visits."""


class Entry(BaseModel):
    """One line of the leaderboard."""

    bookmark_id: int
    visits: int


class Leaderboard:
    """Visits per bookmark, in a Redis sorted set."""

    def __init__(self, client: redis.Redis, *, key: str = LEADERBOARD_KEY) -> None:
        self._redis = client
        self._key = key

    def record_visit(self, bookmark_id: int) -> int:
        """Count one visit of ``bookmark_id``; return its visits so far."""
        raise NotImplementedError("redis-leaderboard: count a visit")

    def top(self, count: int) -> list[Entry]:
        """The ``count`` most visited bookmarks, most visited first."""
        raise NotImplementedError("redis-leaderboard: read the top of the board")


def get_leaderboard(request: Request) -> Leaderboard:
    """The leaderboard of the app handling ``request`` (on ``app.state``)."""
    leaderboard: Leaderboard = request.app.state.leaderboard
    return leaderboard


LeaderboardDep = Annotated[Leaderboard, Depends(get_leaderboard)]

router = APIRouter(tags=["leaderboard"])
