"""Task staging-models: one staging model per source, typed, tidied, deduplicated."""

from collections import Counter

import pytest

from conftest import PROJECT, DbtRun, assert_columns, depends_on
from harbour_data import Reference

WHERE = "warehouse/models/staging"

TYPES = {
    "stg_stations": {
        "station_id": "VARCHAR",
        "station_name": "VARCHAR",
        "capacity": "INTEGER",
        "opened_on": "DATE",
    },
    "stg_members": {
        "member_id": "VARCHAR",
        "full_name": "VARCHAR",
        "plan": "VARCHAR",
        "home_station_id": "VARCHAR",
        "updated_at": "TIMESTAMP",
    },
    "stg_rides": {
        "ride_id": "VARCHAR",
        "member_id": "VARCHAR",
        "start_station_id": "VARCHAR",
        "end_station_id": "VARCHAR",
        "started_at": "TIMESTAMP",
        "ended_at": "TIMESTAMP",
        "exported_at": "TIMESTAMP",
    },
}


@pytest.mark.parametrize(
    ("model", "source"),
    [("stg_stations", "stations"), ("stg_members", "members"), ("stg_rides", "rides")],
)
def test_each_staging_model_selects_from_its_source(
    warehouse: DbtRun, model: str, source: str
) -> None:
    node = warehouse.model(model, WHERE)
    assert depends_on(node) == {f"source.{PROJECT}.raw.{source}"}, (
        f"{model} must select from {{{{ source('raw', '{source}') }}}} and nothing"
        f" else; dbt sees it depending on {sorted(depends_on(node))}"
    )


@pytest.mark.parametrize("model", sorted(TYPES))
def test_the_columns_are_renamed_and_typed(warehouse: DbtRun, model: str) -> None:
    warehouse.model(model, WHERE)
    assert_columns(warehouse, model, TYPES[model])


def test_stations_are_tidied(warehouse: DbtRun, reference: Reference) -> None:
    warehouse.model("stg_stations", WHERE)
    found = warehouse.query(
        "select station_id, station_name, capacity, opened_on from stg_stations"
    )
    expected = [
        (s.station_id, s.station_name, s.capacity, s.opened_on)
        for s in reference.stations.values()
    ]
    assert sorted(found) == sorted(expected), (
        "stg_stations: station ids trimmed and upper-cased, names trimmed, one row"
        f" per station; expected {sorted(expected)[-2:]}... found {sorted(found)[-2:]}..."
    )


def test_members_keep_one_row_per_change(
    warehouse: DbtRun, reference: Reference
) -> None:
    warehouse.model("stg_members", WHERE)
    found = warehouse.query(
        "select member_id, full_name, plan, home_station_id, updated_at from stg_members"
    )
    expected = {
        (v.member_id, v.full_name, v.plan, v.home_station_id, v.valid_from)
        for v in reference.versions
    }
    assert len(found) == len(set(found)), (
        f"stg_members has {len(found) - len(set(found))} rows twice: the export repeated"
        " some lines; keep one of each"
    )
    missing = sorted(expected - set(found))[:3]
    extra = sorted(set(found) - expected)[:3]
    assert set(found) == expected, (
        "stg_members: one row per member and change, ids trimmed, plan trimmed and"
        " lower-cased, home station upper-cased; missing"
        f" {missing}, unexpected {extra}"
    )


def test_rides_are_deduplicated_and_faulty_ones_dropped(
    warehouse: DbtRun, reference: Reference
) -> None:
    warehouse.model("stg_rides", WHERE)
    rows = warehouse.query(
        "select ride_id, member_id, start_station_id, end_station_id, started_at,"
        " ended_at, exported_at from stg_rides"
    )
    ids = [row[0] for row in rows]
    twice = sorted(ride for ride, count in Counter(ids).items() if count > 1)[:5]
    assert not twice, (
        f"stg_rides lists these rides more than once: {twice}; keep the latest export"
        " of each ride (exported_at)"
    )
    found = {row[0]: row for row in rows}
    expected = {
        r.ride_id: (
            r.ride_id,
            r.member_id,
            r.start_station_id,
            r.end_station_id,
            r.started_at,
            r.ended_at,
            r.exported_at,
        )
        for r in reference.rides.values()
    }
    dropped = sorted(set(found) - set(expected))[:5]
    assert not dropped, (
        f"stg_rides keeps {dropped}: rides that end before (or when) they start are"
        " clock faults, leave them out"
    )
    missing = sorted(set(expected) - set(found))[:5]
    assert not missing, f"stg_rides lacks the rides {missing}"
    wrong = [ride for ride in sorted(expected) if found[ride] != expected[ride]][:3]
    assert not wrong, (
        "these rides differ from the latest export of each, tidied (station codes"
        " trimmed and upper-cased, times as timestamps): "
        + "; ".join(f"found {found[r]}, expected {expected[r]}" for r in wrong)
    )


def test_the_test_rows_made_it_through(warehouse: DbtRun) -> None:
    """The rows the tests appended (drawn at random) are staged too."""
    drawn = warehouse.drawn
    assert drawn is not None
    warehouse.model("stg_rides", WHERE)
    ids = ", ".join(f"'{ride}'" for ride in drawn.exported_again)
    found = dict(
        warehouse.query(
            f"select ride_id, ended_at from stg_rides where ride_id in ({ids})"
        )
    )
    assert found == drawn.exported_again, (
        "these rides were exported more than once, the latest export correcting the"
        f" end: keep the latest export (exported_at) of each; expected"
        f" {drawn.exported_again}, found {found}"
    )
    warehouse.model("stg_stations", WHERE)
    name = drawn.station_name
    assert warehouse.query(
        f"select station_id, opened_on from stg_stations where station_name = '{name}'"
    ) == [(drawn.station_id, drawn.opened_on)], (
        f"the station {name} the tests added ({drawn.station_id}) is not staged tidied"
    )
