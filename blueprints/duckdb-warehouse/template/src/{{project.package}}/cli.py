"""The command line: build the warehouse with dbt, then print a report from its marts."""

import argparse
from collections.abc import Sequence
from pathlib import Path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Build the Harbour Bikes warehouse from data/ and print a report."
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path("data"), help="the raw exports"
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=Path("warehouse"),
        help="the dbt project (its profiles.yml is there too)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path("harbour.duckdb"),
        help="the DuckDB file to build",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the warehouse and print the report; the exit status."""
    parse_args(argv)
    raise NotImplementedError("pipeline-cli: run dbt build, then print the report")
