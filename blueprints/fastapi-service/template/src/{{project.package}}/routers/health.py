"""A liveness check for load balancers, uptime monitors and the test harness."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    """The body of a healthy answer."""

    status: Literal["ok"]


@router.get("/health", summary="Check that the service is up")
def health() -> HealthStatus:
    """Answer ``{"status": "ok"}`` while the service can handle requests."""
    return HealthStatus(status="ok")
