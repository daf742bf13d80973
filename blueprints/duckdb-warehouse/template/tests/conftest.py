"""Build the warehouse once, in a temporary folder, for every test to inspect.

The session fixture ``warehouse`` copies your dbt project (``warehouse/``) and the
raw data (``data/``) into a temporary folder, appends the tests' own rows to the
copy of the data (see ``harbour_data.add_test_rows``), and runs ``dbt build`` there
once, with dbt's Python API, into a DuckDB file of its own, with the tests' own
``profiles.yml`` (DuckDB, that file, one thread: no plugins, settings or start-up
SQL of yours). Nothing is written into your project. The tests then read three
things:

- dbt's manifest (``manifest.json``): which models, sources and data tests exist,
  what each model selects from (``ref``/``source``), its materialisation and the
  SQL dbt compiled;
- dbt's run results (``run_results.json``): what ran, passed, failed or was skipped;
- the DuckDB database itself, compared with answers computed in plain Python from
  the same CSV files (``harbour_data.Reference``).

The incremental task runs dbt twice more, in a folder of its own.

Every task asks for SELECTs that dbt builds and tests as it ships: a hook
(``pre-hook``, ``post-hook``, ``on-run-start``, ``on-run-end``) or a macro of your
own that takes the name of one of dbt's (a generic test such as
``relationships``, a materialization, their ``default__``/``duckdb__``
implementations) would change what a model or a data test does behind the code
the tests read, so a warehouse with one is refused.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from harbour_data import Reference, TestRows, add_test_rows

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "harbour"
"""The dbt project's name, as in ``warehouse/dbt_project.yml``."""

PROFILES = """\
harbour:
  target: tests
  outputs:
    tests:
      type: duckdb
      path: "{{ env_var('HARBOUR_DUCKDB', 'harbour.duckdb') }}"
      threads: 1
"""
"""The ``profiles.yml`` the tests build with, in place of the project's."""

DBT_PACKAGES = ("dbt", "dbt_duckdb")
"""The packages of dbt's own macros: dbt-core's and the DuckDB adapter's."""

DISPATCH_PREFIXES = ("default__", "duckdb__")


def copy_project(destination: Path) -> tuple[Path, Path]:
    """Copy the dbt project and the data under ``destination``; return both folders."""
    project = destination / "warehouse"
    data = destination / "data"
    shutil.copytree(
        ROOT / "warehouse",
        project,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", "*.duckdb*"),
    )
    shutil.copytree(ROOT / "data", data)
    (project / "profiles.yml").write_text(PROFILES)
    return project, data


def _bare(name: str) -> str:
    """A macro's name without the adapter prefix dbt's dispatch adds."""
    for prefix in DISPATCH_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def tampering(manifest: dict[str, Any]) -> list[str]:
    """What in the project changes how dbt builds or tests it: hooks, and macros of
    the project's that replace one of dbt's own (dbt looks in the root project first)."""
    macros = manifest.get("macros", {}).values()
    own = {
        _bare(macro["name"])
        for macro in macros
        if macro["package_name"] in DBT_PACKAGES
    }
    found = [
        f"{macro['original_file_path']} defines `{macro['name']}`, which takes the place"
        " of dbt's own macro of that name"
        for macro in macros
        if macro["package_name"] == PROJECT and _bare(macro["name"]) in own
    ]
    for node in manifest.get("nodes", {}).values():
        if node["resource_type"] == "operation":
            found.append(f"dbt_project.yml runs a hook ({node['name']})")
        for key in ("pre-hook", "post-hook"):
            if node.get("config", {}).get(key):
                found.append(
                    f"{node['original_file_path']} has a {key}:"
                    f" {node['config'][key][0].get('sql', '')[:80]!r}"
                )
    return found


@dataclass
class DbtRun:
    """One invocation of dbt: its outcome, run results and manifest."""

    success: bool
    error: str
    results: dict[str, dict[str, Any]]
    manifest: dict[str, Any]
    database: Path
    drawn: TestRows | None = None
    """The rows the tests appended to the data, when they did."""

    def untouched(self) -> None:
        """Fails when the project changes how dbt builds or tests it (``tampering``)."""
        found = tampering(self.manifest)
        assert not found, (
            "the warehouse changes what dbt does behind its models and tests: "
            + "; ".join(found)
            + ". Every figure must come from a model's own SELECT and every data test"
            " from dbt's own generic tests or a singular test: remove them"
        )

    def node(self, name: str) -> dict[str, Any] | None:
        """The manifest's model called ``name``, if there is one."""
        found: dict[str, Any] | None = self.manifest.get("nodes", {}).get(
            f"model.{PROJECT}.{name}"
        )
        return found

    def model(self, name: str, where: str) -> dict[str, Any]:
        """The model ``name``, which must exist and have been built without error."""
        self.untouched()
        node = self.node(name)
        assert node is not None, (
            f"dbt found no model `{name}`: write {where}/{name}.sql"
            f" (dbt's own error, if any: {self.error or 'none'})"
        )
        language = node.get("language", "sql")
        assert language == "sql", (
            f"`{name}` is a {language} model: write it in SQL, as {where}/{name}.sql"
            " (every model of this warehouse is a SELECT that dbt runs in DuckDB)"
        )
        assert self.status(node) == "success", (
            f"the model `{name}` was not built: {self.outcome(node)}"
            f" (dbt: {self.error or 'no error'})"
        )
        return node

    def status(self, node: dict[str, Any]) -> str:
        """What happened to ``node`` in this run: success, pass, fail, error, skipped..."""
        result = self.results.get(node["unique_id"])
        return "not run" if result is None else str(result["status"])

    def outcome(self, node: dict[str, Any]) -> str:
        """The status of ``node`` with dbt's message, for failure messages."""
        result = self.results.get(node["unique_id"])
        if result is None:
            return "it did not run (did a model or test it depends on fail?)"
        return f"{result['status']}: {result['message']}"

    def tests(self) -> list[dict[str, Any]]:
        """The data tests dbt found."""
        self.untouched()
        return [
            node
            for node in self.manifest.get("nodes", {}).values()
            if node["resource_type"] == "test"
        ]

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.database))

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            return connection.execute(sql).fetchall()


def run_dbt(project: Path, data: Path, *args: str) -> DbtRun:
    """Run ``dbt ARGS`` on ``project`` with its data in ``data``, in-process."""
    work = project.parent
    database = work / "harbour.duckdb"
    target = work / "target"
    saved = {name: os.environ.get(name) for name in ("HARBOUR_DUCKDB", "DO_NOT_TRACK")}
    os.environ["HARBOUR_DUCKDB"] = str(database)
    os.environ["DO_NOT_TRACK"] = "1"
    try:
        outcome = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(project),
                "--target-path",
                str(target),
                "--log-path",
                str(work / "logs"),
                "--vars",
                json.dumps({"data_dir": str(data)}),
                "--log-level-file",
                "none",
                "--quiet",
                "--no-use-colors",
            ]
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    results: dict[str, dict[str, Any]] = {}
    if (target / "run_results.json").exists():
        for result in json.loads((target / "run_results.json").read_text())["results"]:
            results[result["unique_id"]] = result
    manifest: dict[str, Any] = {}
    if (target / "manifest.json").exists():
        manifest = json.loads((target / "manifest.json").read_text())
    error = "" if outcome.exception is None else str(outcome.exception)
    return DbtRun(outcome.success, error, results, manifest, database)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """``dbt build`` of your project, once, on the data plus the tests' rows."""
    work = tmp_path_factory.mktemp("warehouse")
    project, data = copy_project(work)
    drawn = add_test_rows(data)
    run = run_dbt(project, data, "build")
    run.drawn = drawn
    return run


@pytest.fixture(scope="session")
def reference(warehouse: DbtRun) -> Reference:
    """The answers computed in plain Python from the data the build read."""
    return Reference(warehouse.database.parent / "data")


def columns(run: DbtRun, table: str) -> dict[str, str]:
    """The columns of ``table`` in the built database, with their DuckDB types."""
    return dict(
        run.query(
            "select column_name, data_type from information_schema.columns"
            f" where table_schema = 'main' and table_name = '{table}'"
            " order by ordinal_position"
        )
    )


def assert_columns(run: DbtRun, table: str, expected: dict[str, str]) -> None:
    """``table`` has at least the ``expected`` columns, each of its type."""
    found = columns(run, table)
    wrong = {
        name: found.get(name, "missing")
        for name, kind in expected.items()
        if found.get(name) != kind
    }
    assert not wrong, (
        f"{table}: these columns are missing or of another type: {wrong}; expected"
        f" {expected} (found {found})"
    )


def select_again(run: DbtRun, node: dict[str, Any], columns: str) -> set[Any]:
    """``columns`` of what the model's compiled SQL selects when run once more."""
    code = node.get("compiled_code") or ""
    return set(run.query(f"select {columns} from (\n{code}\n) as again"))


def scanned(run: DbtRun, node: dict[str, Any]) -> set[str]:
    """The tables DuckDB's plan of the model's compiled SQL reads (views are inlined
    into the plan, so these are the tables under them), by name."""
    code = node.get("compiled_code") or ""
    rows = run.query(f"explain (format json) {code}")
    todo: list[dict[str, Any]] = list(json.loads(rows[0][1]))
    found: set[str] = set()
    while todo:
        operator = todo.pop()
        table = operator.get("extra_info", {}).get("Table")
        if table:
            found.add(str(table).split(".")[-1])
        todo.extend(operator.get("children", []))
    return found


def depends_on(node: dict[str, Any]) -> set[str]:
    """What a model selects from: ``model.harbour.NAME`` and ``source.harbour.raw.NAME``."""
    return set(node["depends_on"]["nodes"])
