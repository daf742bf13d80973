"""Task member-history: a slowly changing dimension of type 2 for the members."""

from collections import Counter

from conftest import PROJECT, DbtRun, assert_columns, depends_on, select_again
from harbour_data import Reference

WHERE = "warehouse/models/marts"


def test_dim_members_is_built_from_the_staged_members(warehouse: DbtRun) -> None:
    node = warehouse.model("dim_members", WHERE)
    assert depends_on(node) == {f"model.{PROJECT}.stg_members"}, (
        "dim_members must select from {{ ref('stg_members') }} alone; dbt sees it"
        f" depending on {sorted(depends_on(node))}"
    )
    assert node["config"]["materialized"] == "table", (
        f"dim_members is a {node['config']['materialized']}: the marts are tables"
    )


def test_dim_members_has_the_columns_of_a_type_2_dimension(warehouse: DbtRun) -> None:
    warehouse.model("dim_members", WHERE)
    assert_columns(
        warehouse,
        "dim_members",
        {
            "member_key": "VARCHAR",
            "member_id": "VARCHAR",
            "full_name": "VARCHAR",
            "plan": "VARCHAR",
            "home_station_id": "VARCHAR",
            "valid_from": "TIMESTAMP",
            "valid_to": "TIMESTAMP",
            "is_current": "BOOLEAN",
        },
    )


def test_each_version_is_valid_until_the_next_change(
    warehouse: DbtRun, reference: Reference
) -> None:
    warehouse.model("dim_members", WHERE)
    found = warehouse.query(
        "select member_id, full_name, plan, home_station_id, valid_from, valid_to,"
        " is_current from dim_members"
    )
    expected = {
        (
            v.member_id,
            v.full_name,
            v.plan,
            v.home_station_id,
            v.valid_from,
            v.valid_to,
            v.valid_to is None,
        )
        for v in reference.versions
    }
    assert len(found) == len(set(found)), "dim_members lists a version twice"
    missing = sorted(expected - set(found), key=str)[:3]
    extra = sorted(set(found) - expected, key=str)[:3]
    assert set(found) == expected, (
        "dim_members: one row per member and change, valid_from the change's time,"
        " valid_to the next change's (null for the current version), is_current true"
        f" for the current one only; missing {missing}; unexpected {extra}"
    )


def test_a_member_who_changed_plan_has_two_versions(warehouse: DbtRun) -> None:
    drawn = warehouse.drawn
    assert drawn is not None
    warehouse.model("dim_members", WHERE)
    rows = warehouse.query(
        "select plan, is_current from dim_members"
        f" where member_id = '{drawn.member_id}' order by valid_from"
    )
    first, then = drawn.plans
    assert rows == [(first, False), (then, True)], (
        f"{drawn.member_id} (a member the tests added) joined on a {first} plan, then"
        f" went {then}: found {rows}"
    )


def test_the_member_key_is_a_surrogate_key(warehouse: DbtRun) -> None:
    node = warehouse.model("dim_members", WHERE)
    rows = warehouse.query("select member_key, member_id from dim_members")
    keys = Counter(key for key, _ in rows)
    assert all(key is not None for key in keys), "a member_key is null"
    assert max(keys.values()) == 1, (
        f"member_key is not unique: {[k for k, n in keys.items() if n > 1][:3]}: each"
        " version of a member needs a key of its own"
    )
    assert not any(key == member for key, member in rows), (
        "member_key is the member's id: a version needs its own key, computed from the"
        " member and the start of the version (md5 of both, say)"
    )
    built = set(
        warehouse.query("select member_key, member_id, valid_from from dim_members")
    )
    again = select_again(warehouse, node, "member_key, member_id, valid_from")
    changed = sorted(built - again, key=str)[:3]
    assert not changed, (
        f"member_key changes when dim_members is built again ({changed}...): the"
        " facts loaded earlier would point at no member. Compute the key from the"
        " version (md5 of member_id and valid_from, say), not uuid() or random()"
    )
