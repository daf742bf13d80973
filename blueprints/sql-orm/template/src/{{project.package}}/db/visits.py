"""The visits of one bookmark over a period of time.

Task sql-index: write the query with ``select()``, and give the database the
index it needs to answer without reading every visit.
"""

from datetime import datetime

from sqlalchemy import Engine


def visits_between(
    engine: Engine, bookmark_id: int, start: datetime, end: datetime
) -> list[datetime]:
    """When ``bookmark_id`` was visited, from ``start`` (included) to ``end``
    (excluded), oldest first."""
    raise NotImplementedError("task sql-index")
