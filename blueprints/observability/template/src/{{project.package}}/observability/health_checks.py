"""Liveness and readiness: is the process alive, and can it serve requests now?

An orchestrator (Kubernetes, a load balancer) asks both. A failed liveness probe
restarts the process; a failed readiness probe only takes it out of rotation
until its dependencies are back. So liveness checks nothing outside the process,
and readiness checks every dependency, each within a time limit.
"""

from collections.abc import Callable, Mapping
from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel

ReadinessCheck = Callable[[], object]
"""A check of one dependency: it returns when the dependency works, and raises when not."""


class CheckResult(BaseModel):
    """How one check went."""

    status: Literal["ok", "error", "timeout"]
    duration_ms: float
    error: str | None = None


class Readiness(BaseModel):
    """The body of ``GET /health/ready``."""

    status: Literal["ready", "unready"]
    checks: dict[str, CheckResult]


class Liveness(BaseModel):
    """The body of ``GET /health/live``."""

    status: Literal["ok"]


def install_health_checks(
    app: FastAPI, checks: Mapping[str, ReadinessCheck], *, timeout: float = 2.0
) -> None:
    """Serve ``GET /health/live`` and ``GET /health/ready`` on ``app``.

    ``checks`` names each dependency's check; ``timeout`` is the seconds each may take.
    Task obs-health-checks.
    """
    raise NotImplementedError("obs-health-checks: liveness and readiness")
