"""Prometheus metrics of every request: how many, how they ended, how long they took.

These are the RED metrics (rate, errors, duration) that dashboards and alerts are
built on. They live in a registry of the app's own, served at ``GET /metrics`` in
Prometheus' text format.
"""

from fastapi import FastAPI
from prometheus_client import CollectorRegistry


def install_metrics(app: FastAPI, registry: CollectorRegistry) -> None:
    """Count and time every request ``app`` handles; serve ``registry`` at ``/metrics``.

    Task obs-metrics.
    """
    raise NotImplementedError("obs-metrics: count and time every request")
