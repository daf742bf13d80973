"""Task star-schema: a fact table of rides and its dimensions, joined by surrogate keys."""

from collections import Counter
from datetime import timedelta

from conftest import PROJECT, DbtRun, assert_columns, depends_on, scanned, select_again
from harbour_data import Reference

WHERE = "warehouse/models/marts"


def test_dim_stations_has_a_surrogate_key(
    warehouse: DbtRun, reference: Reference
) -> None:
    node = warehouse.model("dim_stations", WHERE)
    assert depends_on(node) == {f"model.{PROJECT}.stg_stations"}, (
        "dim_stations must select from {{ ref('stg_stations') }} alone"
    )
    assert_columns(
        warehouse,
        "dim_stations",
        {
            "station_key": "VARCHAR",
            "station_id": "VARCHAR",
            "station_name": "VARCHAR",
            "capacity": "INTEGER",
            "opened_on": "DATE",
        },
    )
    rows = warehouse.query(
        "select station_key, station_id, station_name from dim_stations"
    )
    assert sorted((r[1], r[2]) for r in rows) == sorted(
        (s.station_id, s.station_name) for s in reference.stations.values()
    ), "dim_stations: one row per station of stg_stations"
    keys = [r[0] for r in rows]
    assert None not in keys, "a station_key is null"
    assert len(set(keys)) == len(keys), "station_key is not unique"
    assert not any(r[0] == r[1] for r in rows), (
        "station_key is the station's id: a surrogate key is a value of the warehouse's"
        " own (an md5 of the id, say)"
    )
    again = select_again(warehouse, node, "station_key, station_id")
    changed = sorted({(r[0], r[1]) for r in rows} - again)[:3]
    assert not changed, (
        f"station_key changes when dim_stations is built again ({changed}...): the"
        " facts loaded earlier would point at no station. Compute the key from the"
        " station (md5(station_id), say), not uuid() or random()"
    )


def test_dim_date_has_every_day_from_the_first_ride_to_the_last(
    warehouse: DbtRun, reference: Reference
) -> None:
    node = warehouse.model("dim_date", WHERE)
    assert depends_on(node) == {f"model.{PROJECT}.stg_rides"}, (
        "dim_date must generate its days in SQL (generate_series) between the first"
        " and the last ride of {{ ref('stg_rides') }}, and select from nothing else (no"
        f" seed or hand-written calendar); dbt sees it depending on"
        f" {sorted(depends_on(node))}"
    )
    assert_columns(
        warehouse,
        "dim_date",
        {
            "date_key": "INTEGER",
            "full_date": "DATE",
            "is_weekend": "BOOLEAN",
        },
    )
    days = sorted(reference.rides_per_day())
    rows = warehouse.query(
        "select date_key, full_date, year, month, day_of_week, is_weekend from dim_date"
        " order by full_date"
    )
    expected = [
        (
            int(day.strftime("%Y%m%d")),
            day,
            day.year,
            day.month,
            day.isoweekday(),
            day.isoweekday() >= 6,
        )
        for day in days
    ]
    assert rows == expected, (
        f"dim_date: one row per day from {days[0]} to {days[-1]} (the tests' rows add a"
        f" ride on a day after the shipped ones), date_key as yyyymmdd, ISO day of week (Monday 1); found"
        f" {len(rows)} rows from {rows[0][1] if rows else None} to"
        f" {rows[-1][1] if rows else None}, expected {len(expected)}"
    )
    assert days[-1] - days[0] == timedelta(days=len(days) - 1)


FACT = {
    "ride_id": "VARCHAR",
    "member_key": "VARCHAR",
    "start_station_key": "VARCHAR",
    "end_station_key": "VARCHAR",
    "date_key": "INTEGER",
    "started_at": "TIMESTAMP",
    "ended_at": "TIMESTAMP",
    "duration_seconds": "INTEGER",
}


def test_fct_rides_selects_from_staging_and_the_dimensions(warehouse: DbtRun) -> None:
    node = warehouse.model("fct_rides", WHERE)
    needed = {
        f"model.{PROJECT}.{name}"
        for name in ("stg_rides", "dim_members", "dim_stations")
    }
    assert needed <= depends_on(node), (
        "fct_rides takes its rides from {{ ref('stg_rides') }} and its keys from"
        " {{ ref('dim_members') }} and {{ ref('dim_stations') }}; dbt sees it depending"
        f" on {sorted(depends_on(node))}"
    )
    tables = scanned(warehouse, node)
    assert {"dim_members", "dim_stations"} <= tables, (
        "fct_rides must look its keys up in the dimensions, joining dim_members and"
        " dim_stations: DuckDB's plan of its SQL reads the tables"
        f" {sorted(tables) or 'none'} (a `ref` in a comment is not a join, and a key"
        " computed again beside the dimension can point to a row it does not have)"
    )
    assert_columns(warehouse, "fct_rides", FACT)


def test_the_grain_is_one_row_per_ride(warehouse: DbtRun, reference: Reference) -> None:
    warehouse.model("fct_rides", WHERE)
    ids = Counter(row[0] for row in warehouse.query("select ride_id from fct_rides"))
    twice = [ride for ride, n in ids.items() if n > 1][:5]
    assert not twice, f"fct_rides has these rides more than once: {twice}"
    missing = sorted(set(reference.rides) - set(ids))[:5]
    extra = sorted(set(ids) - set(reference.rides))[:5]
    assert not missing, f"fct_rides: one row per ride of stg_rides; missing {missing}"
    assert not extra, f"fct_rides has rides stg_rides does not: {extra}"


def test_every_fact_row_joins_every_dimension(warehouse: DbtRun) -> None:
    for name in ("fct_rides", "dim_members", "dim_stations", "dim_date"):
        warehouse.model(name, WHERE)
    total = warehouse.query("select count(*) from fct_rides")[0][0]
    joins = {
        "dim_members": "on f.member_key = d.member_key",
        "dim_stations (start)": "on f.start_station_key = d.station_key",
        "dim_stations (end)": "on f.end_station_key = d.station_key",
        "dim_date": "on f.date_key = d.date_key",
    }
    for label, condition in joins.items():
        table = label.split()[0]
        joined = warehouse.query(
            f"select count(*) from fct_rides f inner join {table} d {condition}"
        )[0][0]
        assert joined == total, (
            f"{total - joined} of {total} rides of fct_rides find no row (or more than"
            f" one) in {label} ({condition})"
        )


def test_the_keys_point_to_the_right_rows(
    warehouse: DbtRun, reference: Reference
) -> None:
    for name in ("fct_rides", "dim_members", "dim_stations"):
        warehouse.model(name, WHERE)
    rows = warehouse.query(
        "select f.ride_id, m.member_id, m.valid_from, s.station_id, e.station_id,"
        " f.date_key, f.started_at, f.ended_at, f.duration_seconds"
        " from fct_rides f"
        " join dim_members m on f.member_key = m.member_key"
        " join dim_stations s on f.start_station_key = s.station_key"
        " join dim_stations e on f.end_station_key = e.station_key"
    )
    wrong = []
    for ride_id, member, since, start, end, date_key, started, ended, seconds in rows:
        ride = reference.rides.get(ride_id)
        if ride is None:
            continue
        version = reference.version_at(ride.member_id, ride.started_at)
        expected = (
            version.member_id,
            version.valid_from,
            ride.start_station_id,
            ride.end_station_id,
            int(ride.started_at.strftime("%Y%m%d")),
            ride.started_at,
            ride.ended_at,
            int((ride.ended_at - ride.started_at).total_seconds()),
        )
        found = (member, since, start, end, date_key, started, ended, seconds)
        if found != expected:
            wrong.append(f"{ride_id}: found {found}, expected {expected}")
    assert not wrong, (
        "these rides point to the wrong rows (the member key must be that of the"
        " version valid when the ride started), or have the wrong date key or"
        f" duration: {wrong[:3]} ({len(wrong)} in all)"
    )
