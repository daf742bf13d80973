"""The visits report: per tag, its bookmarks ranked by visits, with a running total.

Task sql-report: a reporting query is where raw SQL beats the ORM. A migration
creates the view ``tag_visit_ranking``; ``tag_leaderboard`` reads it in one
statement.
"""

from typing import NamedTuple

from sqlalchemy import Engine


class TagRanking(NamedTuple):
    """One row of the report."""

    tag: str
    bookmark_id: int
    title: str
    visits: int
    rank: int
    running_visits: int


def tag_leaderboard(engine: Engine) -> list[TagRanking]:
    """Every row of ``tag_visit_ranking``, by tag, then rank, then bookmark id."""
    raise NotImplementedError("task sql-report")
