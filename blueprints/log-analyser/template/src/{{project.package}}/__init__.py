"""Streaming analysis of web-server access logs, far larger than memory."""

from . import reports  # the shipped reports register themselves on import
from .errors import ConfigError, LogError, ParseError, UnknownReport
from .records import LogRecord, parse_line

__all__ = [
    "ConfigError",
    "LogError",
    "LogRecord",
    "ParseError",
    "UnknownReport",
    "parse_line",
    "reports",
]
