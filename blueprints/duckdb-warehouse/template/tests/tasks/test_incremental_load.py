"""Task incremental-load: fct_rides loads only the rides exported since the last run.

This test runs dbt twice in a folder of its own: once on the data, then again after
adding a new monthly export (new rides, a late ride from October, and a ride
exported again with a corrected end). A rebuild of the whole table disguised as an
incremental model fails it: the rides the second run did not need to touch must
keep the ``loaded_at`` of the first run.
"""

import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import DbtRun, assert_columns, copy_project, run_dbt
from harbour_data import RIDE_COLUMNS, Reference, add_test_rows, append_rows

WHERE = "warehouse/models/marts"

NEW_EXPORT = "2027-02-02 04:00:00"
NEW_RIDES = [
    ("R950001", "M0003", "hb04", "HB05", "2027-02-01 07:10:00", "2027-02-01 07:31:00"),
    ("R950002", "M0010", "HB05", "HB04", "2027-02-01 18:02:00", "2027-02-01 18:20:40"),
    ("R950003", "M0001", " HB12", "hb01", "2027-02-01 19:30:00", "2027-02-01 19:55:00"),
    # late: it started in October, months before this export
    ("R950004", "M0020", "HB07", "HB02", "2026-10-15 12:00:00", "2026-10-15 12:45:00"),
]
CORRECTED = "R000100"


def test_fct_rides_is_configured_incremental(warehouse: DbtRun) -> None:
    node = warehouse.model("fct_rides", WHERE)
    config = node["config"]
    assert config["materialized"] == "incremental", (
        f"fct_rides is materialized as a {config['materialized']}: set"
        " materialized='incremental' in its config() block"
    )
    key = config.get("unique_key")
    assert key in ("ride_id", ["ride_id"]), (
        f"fct_rides has unique_key {key!r}: the grain is the ride, unique_key='ride_id'"
        " makes a ride exported again replace its row instead of adding one"
    )
    strategy = config.get("incremental_strategy")
    assert strategy in (None, "delete+insert", "merge"), (
        f"fct_rides has incremental_strategy {strategy!r}: a ride exported again must"
        " replace its row, which dbt-duckdb does with its default strategy"
        " (delete+insert) or 'merge' on the unique_key; 'append' only adds rows"
    )
    assert re.search(r"is_incremental\s*\(\s*\)", node["raw_code"]), (
        "fct_rides never asks {% if is_incremental() %}: filter the rides a run loads"
    )
    assert_columns(warehouse, "fct_rides", {"exported_at": "TIMESTAMP"})
    types = dict(
        warehouse.query(
            "select column_name, data_type from information_schema.columns"
            " where table_name = 'fct_rides' and column_name = 'loaded_at'"
        )
    )
    assert types.get("loaded_at") in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"), (
        "fct_rides needs a loaded_at column: current_timestamp when the row was loaded"
    )


def _loaded(run: DbtRun) -> dict[str, tuple[float, Any]]:
    """Each ride's loaded_at (in seconds since the epoch) and ended_at."""
    rows = run.query("select ride_id, epoch(loaded_at), ended_at from fct_rides")
    return {row[0]: (float(row[1]), row[2]) for row in rows}


@dataclass
class TwoRuns:
    first: DbtRun
    second: DbtRun
    before: dict[str, tuple[float, Any]]
    """fct_rides after the first run."""
    between: float
    """The time between the runs, in seconds since the epoch."""
    after: float
    """The time the second run ended."""
    snapshot: Path | None = None
    """A copy of the database as the first run left it."""


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    work = tmp_path_factory.mktemp("incremental")
    project, data = copy_project(work)
    add_test_rows(data)
    first = run_dbt(project, data, "run")
    node = first.node("fct_rides")
    if not (first.success and node and node["config"]["materialized"] == "incremental"):
        # Nothing to compare yet: spare the second run.
        return TwoRuns(first, first, {}, time.time(), time.time())
    before = _loaded(first)
    snapshot = work / "first" / first.database.name
    snapshot.parent.mkdir()
    for path in first.database.parent.glob(first.database.name + "*"):
        shutil.copy(path, snapshot.parent / path.name)
    between = time.time()
    old = Reference(data).rides[CORRECTED]
    rows = [(*ride, NEW_EXPORT) for ride in NEW_RIDES]
    rows.append(
        (
            CORRECTED,
            old.member_id,
            old.start_station_id,
            old.end_station_id,
            str(old.started_at),
            str(old.started_at + timedelta(minutes=1)),
            NEW_EXPORT,
        )
    )
    append_rows(data / "rides" / "rides_2027-01.csv", RIDE_COLUMNS, rows)
    second = run_dbt(project, data, "run")
    return TwoRuns(first, second, before, between, time.time(), snapshot)


def test_a_second_run_loads_only_the_new_export(
    two_runs: TwoRuns,
) -> None:
    first, second, before = two_runs.first, two_runs.second, two_runs.before
    assert first.success, f"the first dbt run failed: {first.error}"
    first.model("fct_rides", WHERE)
    assert before, (
        "fct_rides is not incremental, or empty after the first run: see"
        " test_fct_rides_is_configured_incremental"
    )
    assert second.success, f"the second dbt run failed: {second.error}"
    second.model("fct_rides", WHERE)
    after = _loaded(second)
    new = {ride[0] for ride in NEW_RIDES}
    missing = sorted(new - set(after))
    assert not missing, (
        f"the second run did not load {missing}; R950004 started in October but was"
        " exported in December: filter on exported_at, the time a ride reached us,"
        " not on when it started"
    )
    assert set(after) == set(before) | new, (
        f"fct_rides has {len(after)} rides after the second run, expected"
        f" {len(set(before) | new)}"
    )
    reloaded = sorted(
        ride
        for ride in before
        if ride != CORRECTED and after[ride][0] != before[ride][0]
    )
    assert not reloaded, (
        f"the second run loaded again {len(reloaded)} rides it already had (their"
        f" loaded_at changed: {reloaded[:3]}...): an incremental run must select only"
        " the rides exported after the latest exported_at already in {{ this }}"
    )
    stale = sorted(
        ride for ride in new if not two_runs.between <= after[ride][0] <= two_runs.after
    )
    assert not stale, (
        f"the rides of the new export {stale} have a loaded_at outside the second run"
        " (it ran between"
        f" {datetime.fromtimestamp(two_runs.between, UTC):%Y-%m-%d %H:%M:%S} and"
        f" {datetime.fromtimestamp(two_runs.after, UTC):%H:%M:%S} UTC): loaded_at is"
        " current_timestamp, when the run loads the row"
    )


def test_a_ride_exported_again_replaces_its_row(
    two_runs: TwoRuns,
) -> None:
    second = two_runs.second
    assert two_runs.before, "fct_rides is not incremental yet"
    assert second.success, f"the second dbt run failed: {second.error}"
    second.model("fct_rides", WHERE)
    rows = second.query(f"select ended_at from fct_rides where ride_id = '{CORRECTED}'")
    before = two_runs.before[CORRECTED]
    assert len(rows) == 1, (
        f"{CORRECTED} is in fct_rides {len(rows)} times after it was exported again:"
        " unique_key='ride_id' replaces the row"
    )
    assert rows[0][0] != before[1], (
        f"{CORRECTED} still has its old ended_at: the new export corrected it, and"
        " the second run must load it again (its exported_at is new)"
    )
    loaded = _loaded(second)[CORRECTED][0]
    assert two_runs.between <= loaded <= two_runs.after, (
        f"{CORRECTED} has a loaded_at outside the second run, which reloaded it"
    )


def test_the_second_run_selects_only_the_new_export(two_runs: TwoRuns) -> None:
    """Run the SQL dbt ran the second time on the warehouse as the first run left it."""
    second = two_runs.second
    assert two_runs.before, "fct_rides is not incremental yet"
    assert two_runs.snapshot is not None
    assert second.success, f"the second dbt run failed: {second.error}"
    node = second.model("fct_rides", WHERE)
    code = second.results[node["unique_id"]].get("compiled_code") or ""
    with duckdb.connect(str(two_runs.snapshot)) as connection:
        rows = connection.execute(f"select ride_id from (\n{code}\n) as run").fetchall()
    selected = sorted(row[0] for row in rows)
    expected = sorted({ride[0] for ride in NEW_RIDES} | {CORRECTED})
    assert selected == expected, (
        f"the second run's SELECT of fct_rides, run again on the warehouse as the first"
        f" run left it, returns {len(selected)} rides ({selected[:4]}...); the new"
        f" export brought {expected}: inside {{% if is_incremental() %}} keep only the"
        " rides exported after the latest exported_at in {{ this }}, so a run reads"
        " the new rows and nothing else"
    )


def test_after_the_second_run_every_ride_joins_its_dimensions(
    two_runs: TwoRuns,
) -> None:
    second = two_runs.second
    assert two_runs.before, "fct_rides is not incremental yet"
    assert second.success, f"the second dbt run failed: {second.error}"
    second.model("fct_rides", WHERE)
    total = second.query("select count(*) from fct_rides")[0][0]
    joins = {
        "dim_members": "on f.member_key = d.member_key",
        "dim_stations (start)": "on f.start_station_key = d.station_key",
        "dim_stations (end)": "on f.end_station_key = d.station_key",
    }
    for label, condition in joins.items():
        table = label.split()[0]
        joined = second.query(
            f"select count(*) from fct_rides f inner join {table} d {condition}"
        )[0][0]
        assert joined == total, (
            f"after the second run, {total - joined} of {total} rides of fct_rides"
            f" find no row in {label} ({condition}): the second run rebuilt the"
            " dimensions, and the keys of the rides loaded by the first run must"
            " still find theirs; compute surrogate keys from the rows (md5), not"
            " uuid() or random()"
        )
