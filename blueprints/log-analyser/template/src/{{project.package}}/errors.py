"""The errors of the analyser: one base class, so the command line catches ours alone."""

from pathlib import Path


class LogError(Exception):
    """Base of every error the analyser raises on purpose."""


class ParseError(LogError):
    """A line of a log file is not in the combined log format."""

    def __init__(self, path: Path, line_number: int, line: str) -> None:
        super().__init__(
            f"{path}:{line_number}: not a combined log line: {line[:80]!r}"
        )
        self.path = path
        self.line_number = line_number
        self.line = line


class ConfigError(LogError, ValueError):
    """A report or an option is configured with a value it cannot take."""


class UnknownReport(ConfigError, KeyError):
    """No report is registered under the name asked for."""

    def __str__(self) -> str:
        # KeyError's own __str__ shows the repr of its argument: keep the message.
        return str(self.args[0])
