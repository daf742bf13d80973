"""Task window-analytics: marts computed with window functions, checked against
answers computed in plain Python from the raw data."""

import json
import re
from collections import defaultdict
from datetime import date
from typing import Any

import pytest

from conftest import DbtRun, assert_columns, scanned
from harbour_data import Reference

WHERE = "warehouse/models/marts"
MARTS = ("mart_daily_rides", "mart_member_retention", "mart_station_ranking")
STAR = {"fct_rides", "dim_date", "dim_members", "dim_stations"}
"""The tables a mart may read: the star schema, and nothing computed beside it."""


WINDOWS: dict[str, tuple[tuple[str, str], ...]] = {
    "mart_daily_rides": (
        (
            r"\bORDER BY\b",
            (
                "running_total: an aggregate over the days in order,"
                " `sum(rides) over (order by ride_date)`"
            ),
        ),
        (
            r"\bPRECEDING\b",
            (
                "rolling_7_day_mean: a frame of the day and the six before it,"
                " `avg(rides) over (order by ride_date rows between 6 preceding"
                " and current row)`"
            ),
        ),
    ),
    "mart_station_ranking": (
        (
            r"rank\(\) OVER \(PARTITION BY\b",
            "station_rank: `rank() over (partition by ride_month order by rides desc)`",
        ),
    ),
    "mart_member_retention": (
        (
            r"\bPARTITION BY\b",
            (
                "the cohort and its size: `min(ride_month) over (partition by"
                " member_id)`, `first_value(...) over (partition by cohort_month ...)`"
            ),
        ),
    ),
}
"""Per mart: a pattern one of its window expressions in DuckDB's plan must match,
and what it computes."""


def _operators(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every operator of a JSON plan, parents before children."""
    found: list[dict[str, Any]] = []
    todo = list(plan)
    while todo:
        operator = todo.pop()
        found.append(operator)
        todo.extend(operator.get("children", []))
    return found


def _window_expressions(operators: list[dict[str, Any]]) -> list[str]:
    """What the plan's Window operators compute, one expression a string."""
    found: list[str] = []
    for operator in operators:
        if "WINDOW" in operator["name"]:
            projections = operator.get("extra_info", {}).get("Projections", [])
            if isinstance(projections, str):
                projections = [projections]
            found.extend(str(projection) for projection in projections)
    return found


def _self_joins(operators: list[dict[str, Any]]) -> int:
    """How many joins in the plan read fct_rides on both of their sides.

    A common table expression DuckDB computes once is read back by CTE_SCAN
    operators; a scan of one counts as reading what the expression reads. DuckDB
    turns a correlated subquery into such a join too.
    """
    definitions = {
        str(op.get("extra_info", {}).get("Table Index")): op["children"][0]
        for op in operators
        if op["name"] == "CTE" and op.get("children")
    }

    def reads_facts(operator: dict[str, Any], seen: frozenset[str]) -> bool:
        info = operator.get("extra_info", {})
        if str(info.get("Table", "")).split(".")[-1] == "fct_rides":
            return True
        index = str(info.get("CTE Index", ""))
        if operator["name"] == "CTE_SCAN" and index in definitions:
            if index in seen:
                return False
            return reads_facts(definitions[index], seen | {index})
        return any(reads_facts(child, seen) for child in operator.get("children", []))

    return sum(
        1
        for op in operators
        if ("JOIN" in op["name"] or op["name"] == "CROSS_PRODUCT")
        and len(op.get("children", [])) == 2
        and all(reads_facts(child, frozenset()) for child in op["children"])
    )


@pytest.mark.parametrize("mart", MARTS)
def test_each_mart_uses_a_window_over_the_fact_table(
    warehouse: DbtRun, mart: str
) -> None:
    node = warehouse.model(mart, WHERE)
    tables = scanned(warehouse, node)
    reads_the_star = "fct_rides" in tables and tables <= STAR
    assert reads_the_star, (
        f"{mart} must be computed from {{{{ ref('fct_rides') }}}} and the dimensions"
        f" only ({', '.join(sorted(STAR))}): DuckDB's plan of its SQL reads"
        f" {sorted(tables) or 'no table'}. A figure computed in a model of its own and"
        " copied here is not computed by this mart's window functions"
    )
    compiled = node.get("compiled_code") or ""
    rows = warehouse.query(f"explain (format json) {compiled}")
    operators = _operators(json.loads(rows[0][1]))
    windows = _window_expressions(operators)
    missing = [
        needed
        for pattern, needed in WINDOWS[mart]
        if not any(re.search(pattern, window) for window in windows)
    ]
    assert not missing, (
        f"{mart}: DuckDB's plan of its SQL computes no window for "
        + "; nor for ".join(missing)
        + f" (the windows it computes: {windows or 'none'})"
    )
    joins = _self_joins(operators)
    assert not joins, (
        f"{mart} joins the rides with themselves ({joins} join(s) of fct_rides, or of"
        " a CTE or subquery over it, with fct_rides again): a correlated subquery or a"
        " self-join stands in for a window function there; compute each figure with"
        " `... over (...)` on rows grouped once"
    )


def test_daily_rides_has_running_totals_and_a_rolling_mean(
    warehouse: DbtRun, reference: Reference
) -> None:
    warehouse.model("mart_daily_rides", WHERE)
    assert_columns(warehouse, "mart_daily_rides", {"ride_date": "DATE"})
    rows = warehouse.query(
        "select ride_date, rides, running_total, rolling_7_day_mean"
        " from mart_daily_rides order by ride_date"
    )
    per_day = reference.rides_per_day()
    counts = list(per_day.values())
    expected = [
        (
            day,
            counts[i],
            sum(counts[: i + 1]),
            sum(counts[max(0, i - 6) : i + 1]) / min(i + 1, 7),
        )
        for i, day in enumerate(per_day)
    ]
    assert [row[0] for row in rows] == list(per_day), (
        f"mart_daily_rides: one row per day of dim_date, days without rides included"
        f" ({len(per_day)} days from {min(per_day)}); found {len(rows)} rows"
    )
    wrong = [
        (found, wanted)
        for found, wanted in zip(rows, expected, strict=True)
        if found[:3] != wanted[:3] or abs(float(found[3]) - wanted[3]) > 1e-9
    ]
    assert not wrong, (
        "rides, running_total (all rides up to and including the day) or"
        " rolling_7_day_mean (the mean over the day and the six before it, fewer at"
        f" the start) differ: found {wrong[0][0]}, expected {wrong[0][1]}"
        f" ({len(wrong)} days wrong)"
    )


def test_retention_follows_each_monthly_cohort(
    warehouse: DbtRun, reference: Reference
) -> None:
    warehouse.model("mart_member_retention", WHERE)
    assert_columns(warehouse, "mart_member_retention", {"cohort_month": "DATE"})
    rows = warehouse.query(
        "select cohort_month, months_since_first, active_members, cohort_size, retention"
        " from mart_member_retention"
    )
    active = reference.retention()
    sizes = {cohort: n for (cohort, since), n in active.items() if since == 0}
    expected = {
        (cohort, since): (n, sizes[cohort], n / sizes[cohort])
        for (cohort, since), n in active.items()
    }
    found = {
        (row[0], int(row[1])): (int(row[2]), int(row[3]), float(row[4])) for row in rows
    }
    assert set(found) == set(expected), (
        "mart_member_retention: one row per cohort month (the month of a member's first"
        " ride) and months since it, while someone of the cohort rode; expected"
        f" {sorted(expected)}, found {sorted(found)}"
    )
    wrong = {
        key: (found[key], value)
        for key, value in expected.items()
        if found[key][:2] != value[:2] or abs(found[key][2] - value[2]) > 1e-9
    }
    assert not wrong, (
        "active_members, cohort_size or retention (active / size) differ, (found,"
        f" expected): {dict(list(wrong.items())[:3])}"
    )


def test_stations_are_ranked_within_each_month(
    warehouse: DbtRun, reference: Reference
) -> None:
    warehouse.model("mart_station_ranking", WHERE)
    assert_columns(warehouse, "mart_station_ranking", {"ride_month": "DATE"})
    rows = warehouse.query(
        "select ride_month, station_id, rides, station_rank from mart_station_ranking"
    )
    counts = reference.station_month_rides()
    by_month: dict[date, list[int]] = defaultdict(list)
    for (month, _), n in counts.items():
        by_month[month].append(n)
    expected = {
        (month, station): (n, 1 + sum(other > n for other in by_month[month]))
        for (month, station), n in counts.items()
    }
    found = {(row[0], row[1]): (int(row[2]), int(row[3])) for row in rows}
    assert set(found) == set(expected), (
        "mart_station_ranking: one row per month and station where rides started;"
        f" missing {sorted(set(expected) - set(found))[:3]}, unexpected"
        f" {sorted(set(found) - set(expected))[:3]}"
    )
    wrong = {
        key: (found[key], value)
        for key, value in expected.items()
        if found[key] != value
    }
    assert not wrong, (
        "rides or station_rank (1 for the most rides of the month, ties sharing a rank"
        " and leaving a gap, as rank() does) differ, (found, expected):"
        f" {dict(list(wrong.items())[:3])}"
    )
