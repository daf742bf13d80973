"""The bookmarks service with its metrics, logs, traces and health checks.

``create_app`` builds the bookmarks API alone; ``create_observed_app`` adds what
whoever runs the service needs to see it working: Prometheus metrics at
``/metrics``, one JSON access record per request, spans of the repository's
calls, and ``/health/live`` and ``/health/ready``. Run it with
``python -m <package>.with_observability``: JSON logs go to standard output and
spans to standard error (see the README to send them to a collector instead).
"""

import logging
import sys

import uvicorn
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace.export import ConsoleSpanExporter
from prometheus_client import CollectorRegistry

from .app import create_app
from .observability.health_checks import ReadinessCheck, install_health_checks
from .observability.logs import JsonFormatter, install_access_log
from .observability.metrics import install_metrics
from .observability.tracing import TracedRepository, configure_tracing
from .settings import Settings


def create_observed_app(
    settings: Settings | None = None, *, registry: CollectorRegistry | None = None
) -> FastAPI:
    """``create_app``, observed. Without ``registry``, the app gets a new one."""
    app = create_app(settings)
    install_metrics(app, registry if registry is not None else CollectorRegistry())
    install_access_log(app)
    checks: dict[str, ReadinessCheck] = {}
    # The repository exists once task inject-dependencies puts it on app.state.
    repository = getattr(app.state, "repository", None)
    if repository is not None:
        app.state.repository = TracedRepository(repository, trace.get_tracer(__name__))
        checks["repository"] = repository.count
    install_health_checks(app, checks)
    return app


def main() -> None:
    """Serve the observed API on the host and port from the settings."""
    settings = Settings()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    app = create_observed_app(settings)
    exporter = ConsoleSpanExporter(out=sys.stderr)
    trace.set_tracer_provider(
        configure_tracing(settings.app_name, app.version, exporter)
    )
    # log_config=None: uvicorn's own records go through the JSON handler too.
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
