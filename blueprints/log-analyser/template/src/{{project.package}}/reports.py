"""The reports the analyser ships: each reads the stream once, in little memory."""

from datetime import datetime

from .plugins import Option, Report
from .records import LogRecord


def _positive(value: float) -> bool:
    return value > 0


class TopPaths(Report, name="top-paths"):
    """The most requested paths."""

    top = Option(int, 10, check=_positive, rule="a positive number")

    def feed(self, record: LogRecord) -> None:
        raise NotImplementedError("aggregate-reports: count the paths")

    def top_paths(self) -> list[tuple[str, int]]:
        """The ``top`` most requested paths with their counts, most requested first."""
        raise NotImplementedError("aggregate-reports: the most requested paths")

    def lines(self) -> list[str]:
        return [f"{count:>8} {path}" for path, count in self.top_paths()]


class StatusCodes(Report, name="status-codes"):
    """How many responses of each class (2xx, 3xx, 4xx, 5xx)."""

    def feed(self, record: LogRecord) -> None:
        raise NotImplementedError("aggregate-reports: count the status codes")

    def by_class(self) -> dict[str, int]:
        """The number of responses by class, ``{"2xx": 120, "4xx": 3}``."""
        raise NotImplementedError("aggregate-reports: group the status codes")

    def lines(self) -> list[str]:
        return [f"{name}: {count}" for name, count in self.by_class().items()]


class SlowestRequests(Report, name="slowest"):
    """The slowest requests, kept in memory that does not grow with the log."""

    count = Option(int, 10, check=_positive, rule="a positive number")

    def feed(self, record: LogRecord) -> None:
        raise NotImplementedError("aggregate-reports: keep the slowest requests")

    def slowest(self) -> list[LogRecord]:
        """The ``count`` slowest requests, slowest first."""
        raise NotImplementedError("aggregate-reports: the slowest requests")

    def lines(self) -> list[str]:
        return [
            f"{r.duration:8.3f}s {r.method} {r.path} ({r.time:%Y-%m-%d %H:%M:%S})"
            for r in self.slowest()
        ]


class ErrorBursts(Report, name="error-bursts"):
    """Moments when server errors (5xx) pile up in a sliding time window."""

    window = Option(float, 60.0, check=_positive, rule="a positive number of seconds")
    threshold = Option(int, 10, check=_positive, rule="a positive number")

    def feed(self, record: LogRecord) -> None:
        raise NotImplementedError("error-bursts: slide the window")

    def alerts(self) -> list[tuple[datetime, int]]:
        """When each burst began, with the errors in the window at that moment."""
        raise NotImplementedError("error-bursts: the alerts")

    def lines(self) -> list[str]:
        return [
            f"{moment:%Y-%m-%d %H:%M:%S}: {count} server errors in {self.window:g}s"
            for moment, count in self.alerts()
        ]


class ClientRates(Report, name="client-rates"):
    """Requests per client, which can be counted over any span of time."""

    def feed(self, record: LogRecord) -> None:
        raise NotImplementedError("error-bursts: record the client's request")

    def requests_between(self, client: str, start: datetime, end: datetime) -> int:
        """How many requests ``client`` made from ``start`` (included) to ``end``."""
        raise NotImplementedError("error-bursts: count the requests in a span")

    def lines(self) -> list[str]:
        raise NotImplementedError("error-bursts: the busiest clients")
