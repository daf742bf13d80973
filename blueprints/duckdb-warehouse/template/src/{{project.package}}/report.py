"""The report printed after a build, read from the marts."""

from pathlib import Path


def build_report(database: Path) -> str:
    """A plain-text summary of the warehouse in ``database``."""
    raise NotImplementedError("pipeline-cli: read the marts and write the report")
