"""Task window-analytics: marts computed with window functions, checked against
answers computed in plain Python from the raw data."""

import re
from collections import defaultdict
from datetime import date

import pytest

from conftest import PROJECT, DbtRun, assert_columns, depends_on
from harbour_data import Reference

WHERE = "warehouse/models/marts"
MARTS = ("mart_daily_rides", "mart_member_retention", "mart_station_ranking")


@pytest.mark.parametrize("mart", MARTS)
def test_each_mart_uses_a_window_over_the_fact_table(
    warehouse: DbtRun, mart: str
) -> None:
    node = warehouse.model(mart, WHERE)
    assert f"model.{PROJECT}.fct_rides" in depends_on(node), (
        f"{mart} must be computed from {{{{ ref('fct_rides') }}}}; dbt sees it depending"
        f" on {sorted(depends_on(node))}"
    )
    compiled = node.get("compiled_code") or ""
    plan = "\n".join(row[1] for row in warehouse.query(f"explain {compiled}"))
    assert re.search(r"(?m)^\W*(Streaming )?Window\b|\b(STREAMING_)?WINDOW\b", plan), (
        f"{mart} uses no window function (`... over (partition by ... order by ...)`):"
        f" DuckDB's plan of its SQL has no Window operator:\n{plan}"
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
