"""Task data-tests: dbt data tests that pass on the staging models and catch the
faults of the raw data.

Each required test is found in dbt's manifest, must have passed in the build, and
is then run again, as dbt compiled it, against a copy of its model into which the
test puts the fault it must catch (a ride listed twice, a lower-case station code,
a plan in capitals, a ride that ends before it starts...): it must return rows.
"""

import random
import re
from typing import Any

import duckdb
import pytest

from conftest import PROJECT, DbtRun, depends_on
from harbour_data import PLANS

WHERE = "warehouse/models/staging"

# (model, column, test, what a faulty copy of the model gets)
REQUIRED = [
    ("stg_stations", "station_id", "unique", "a station listed twice"),
    ("stg_stations", "station_id", "not_null", "a station without an id"),
    ("stg_rides", "ride_id", "unique", "a ride listed twice"),
    ("stg_rides", "ride_id", "not_null", "a ride without an id"),
    ("stg_rides", "start_station_id", "relationships", "a start station in lower case"),
    ("stg_rides", "end_station_id", "relationships", "an end station in lower case"),
    ("stg_rides", "member_id", "relationships", "a member id in lower case"),
    ("stg_members", "plan", "accepted_values", "a plan in capitals"),
]

FAULTS = {
    "unique": "select * from {model} limit 1",
    "not_null": "select * replace (null as {column}) from {model} limit 1",
    "relationships": "select * replace (lower({column}) as {column}) from {model} limit 1",
    "accepted_values": "select * replace (upper({column}) as {column}) from {model} limit 1",
}


def _generic(run: DbtRun, model: str, column: str, kind: str) -> dict[str, Any]:
    for test in run.tests():
        meta = test.get("test_metadata") or {}
        if (
            meta.get("name") == kind
            and test.get("attached_node") == f"model.{PROJECT}.{model}"
            and (test.get("column_name") or meta.get("kwargs", {}).get("column_name"))
            == column
        ):
            return test
    raise AssertionError(
        f"no `{kind}` test on {model}.{column}: declare it under `data_tests:` of the"
        f" column in a properties file ({WHERE}/_staging.yml, say)"
    )


def _fails_on(run: DbtRun, test: dict[str, Any], model: str, fault: str) -> int:
    """How many rows the test's compiled SQL returns once ``fault`` is in ``model``."""
    relation = run.model(model, WHERE)["relation_name"]
    compiled = test.get("compiled_code")
    assert compiled, f"{test['name']} was not compiled: did the build run it?"
    with run.connect() as connection:
        connection.execute(f"create temp table faulty as select * from {relation}")
        connection.execute(f"insert into faulty {fault.format(model='faulty')}")
        sql = compiled.replace(relation, "temp.main.faulty")
        try:
            row = connection.execute(
                f"select count(*) from ({sql}) as checked"
            ).fetchone()
        except duckdb.Error as error:
            raise AssertionError(f"{test['name']} does not run: {error}") from error
    assert row is not None
    return int(row[0])


def _strict(test: dict[str, Any]) -> None:
    config = test["config"]
    assert str(config.get("severity", "")).lower() == "error", (
        f"{test['name']} only warns (severity {config.get('severity')}): a data test"
        " that finds a fault must fail the build"
    )
    assert config.get("limit") is None, (
        f"{test['name']} has `limit: {config.get('limit')}`: count every failing row"
    )
    assert config.get("where") is None, (
        f"{test['name']} has `where: {config.get('where')}`: test every row"
    )
    assert (config.get("error_if"), config.get("fail_calc")) == ("!= 0", "count(*)"), (
        f"{test['name']}: keep dbt's defaults, error_if '!= 0' and fail_calc"
        f" 'count(*)' (found {config.get('error_if')!r}, {config.get('fail_calc')!r})"
    )


@pytest.mark.parametrize(
    ("model", "column", "kind", "fault"),
    REQUIRED,
    ids=[f"{m}.{c}.{k}" for m, c, k, _ in REQUIRED],
)
def test_a_generic_test_guards_the_column(
    warehouse: DbtRun, model: str, column: str, kind: str, fault: str
) -> None:
    test = _generic(warehouse, model, column, kind)
    _strict(test)
    assert warehouse.status(test) == "pass", (
        f"{test['name']} did not pass on the staging model: {warehouse.outcome(test)}"
    )
    sql = FAULTS[kind].format(model="{model}", column=column)
    assert _fails_on(warehouse, test, model, sql) > 0, (
        f"{test['name']} finds nothing wrong in a copy of {model} with {fault}:"
        " it must catch that fault"
    )


def test_the_relationships_point_to_the_right_tables(warehouse: DbtRun) -> None:
    expected = {
        "start_station_id": ("stg_stations", "station_id"),
        "end_station_id": ("stg_stations", "station_id"),
        "member_id": ("stg_members", "member_id"),
    }
    for column, (parent, field) in expected.items():
        test = _generic(warehouse, "stg_rides", column, "relationships")
        assert f"model.{PROJECT}.{parent}" in depends_on(test), (
            f"{test['name']} must check stg_rides.{column} against ref('{parent}')"
        )
        assert test["test_metadata"]["kwargs"].get("field") == field, (
            f"{test['name']}: the field of {parent} to match is `{field}`"
        )


def test_the_plans_accepted_are_exactly_the_three(warehouse: DbtRun) -> None:
    test = _generic(warehouse, "stg_members", "plan", "accepted_values")
    values = test["test_metadata"]["kwargs"].get("values")
    assert sorted(values or []) == sorted(PLANS), (
        f"{test['name']} accepts {values}: the plans are exactly {list(PLANS)}"
    )


def test_a_singular_test_catches_rides_that_end_before_they_start(
    warehouse: DbtRun,
) -> None:
    singular = [
        test
        for test in warehouse.tests()
        if not test.get("test_metadata")
        and f"model.{PROJECT}.stg_rides" in depends_on(test)
    ]
    assert singular, (
        "no singular test on stg_rides: write warehouse/tests/assert_rides_end_after_start.sql,"
        " a query that returns the rides of {{ ref('stg_rides') }} that end before or"
        " when they start"
    )
    # Two real rides, one made to end a random number of minutes before it starts,
    # the other when it starts.
    minutes = random.randrange(1, 1000)
    fault = (
        f"(select * replace (started_at - interval {minutes} minute as ended_at)"
        " from {model} using sample 1 rows) union all (select * replace (started_at"
        " as ended_at) from {model} using sample 1 rows)"
    )
    caught = []
    for test in singular:
        _strict(test)
        assert warehouse.status(test) == "pass", (
            f"the singular test {test['name']} did not pass: {warehouse.outcome(test)}"
        )
        if _fails_on(warehouse, test, "stg_rides", fault) >= 2:
            caught.append(test["name"])
    assert caught, (
        f"the singular tests {[t['name'] for t in singular]} find no fault in a copy of"
        " stg_rides with a ride ending minutes before its start and one ending"
        " when it starts: each must come back as a failing row"
    )


def test_every_data_test_passed(warehouse: DbtRun) -> None:
    tests = warehouse.tests()
    assert len(tests) >= len(REQUIRED) + 1, "declare the data tests first"
    failed = {
        t["name"]: warehouse.outcome(t) for t in tests if warehouse.status(t) != "pass"
    }
    assert not failed, f"these data tests did not pass: {failed}"


def test_no_test_is_written_to_pass(warehouse: DbtRun) -> None:
    """A singular test that can never return a row proves nothing."""
    for test in warehouse.tests():
        if test.get("test_metadata"):
            continue
        code = re.sub(r"\s+", " ", test.get("raw_code", "").lower())
        assert not re.search(
            r"\b(where|and) (false|1 ?= ?0|0 ?= ?1)\b|limit 0\b", code
        ), f"{test['name']} is written never to return a row: {code}"
