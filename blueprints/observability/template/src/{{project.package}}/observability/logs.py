"""Logs as JSON lines, and one access record per request with its request id.

A log aggregator (Loki, Elasticsearch, CloudWatch) indexes JSON fields, so a
record is one JSON object per line: no parsing of free text to find a status
code. Every record logged while a request is handled carries that request's id,
which the client also gets back in ``X-Request-ID``.
"""

import logging

from fastapi import FastAPI

REQUEST_ID_HEADER = "X-Request-ID"
"""The header a request id comes in (from a proxy) and goes back out in."""

ACCESS_LOGGER = __name__.rsplit(".", 2)[0] + ".access"
"""The logger of the access records: ``<package>.access``."""


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON.

    Task obs-structured-logs (``trace_id`` and ``span_id``: task obs-traces).
    """

    def format(self, record: logging.LogRecord) -> str:
        raise NotImplementedError("obs-structured-logs: a record as one line of JSON")


def install_access_log(app: FastAPI) -> None:
    """Log one record per request ``app`` handles, on ``ACCESS_LOGGER``.

    Task obs-structured-logs.
    """
    raise NotImplementedError("obs-structured-logs: one record per request")
