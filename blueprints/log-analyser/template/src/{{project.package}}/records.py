"""One request of an access log, and how a line of the log becomes one.

The format is Apache's and nginx's *combined* log format, followed by the time
the server took to answer, in seconds (nginx's ``$request_time``)::

    203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET /shop HTTP/1.1" 200 2326 "-" "curl/8.5" 0.042
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

logger = logging.getLogger(__name__)

_LINE = re.compile(
    r"(?P<client>\S+) \S+ \S+ \[(?P<time>[^\]]+)\]"
    r' "(?P<method>[A-Z]+) (?P<path>\S+) (?P<protocol>[^"]+)"'
    r" (?P<status>[1-5][0-9]{2}) (?P<size>[0-9]+|-)"
    r' "(?P<referrer>[^"]*)" "(?P<agent>[^"]*)"'
    r" (?P<duration>[0-9]+(?:\.[0-9]+)?)"
)


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One request: who asked, when (in UTC), for what, and how it went."""

    client: str
    time: datetime
    method: str
    path: str
    status: int
    size: int
    duration: float
    """Seconds the server took to answer."""
    agent: str = "-"


def parse_timestamp(text: str) -> datetime:
    """The moment ``10/Oct/2025:13:55:36 +0200`` names, as an aware datetime in UTC."""
    local_text, offset = text.split(" ")
    local = datetime.strptime(local_text, "%d/%b/%Y:%H:%M:%S")
    sign = 1 if offset[0] == "+" else -1
    delta = sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
    moment = (local + delta).replace(tzinfo=UTC)
    logger.debug("timestamp %r is %s", text, moment.isoformat())
    return moment


def parse_line(line: str) -> LogRecord:
    """The record of one log line (without its line break).

    Raises ``ValueError`` naming the line when it is not in the format.
    """
    match = _LINE.fullmatch(line)
    if match is None:
        raise ValueError(f"not a combined log line: {line[:80]!r}")
    size = match["size"]
    return LogRecord(
        client=match["client"],
        time=parse_timestamp(match["time"]),
        method=match["method"],
        path=match["path"],
        status=int(match["status"]),
        size=0 if size == "-" else int(size),
        duration=float(match["duration"]),
        agent=match["agent"],
    )
