"""The SQLite database: one connection per request, closed when it ends."""

import sqlite3
from importlib import resources
from pathlib import Path

import click
from flask import Flask, current_app, g


def get_db() -> sqlite3.Connection:
    """The request's connection to the database, opened on first use."""
    if "db" not in g:
        connection = sqlite3.connect(current_app.config["DATABASE"])
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        g.db = connection
    opened: sqlite3.Connection = g.db
    return opened


def close_db(error: BaseException | None = None) -> None:
    """Close the request's connection, if it opened one."""
    connection: sqlite3.Connection | None = g.pop("db", None)
    if connection is not None:
        connection.close()


def init_db() -> None:
    """Create the tables afresh (every row is lost)."""
    schema = resources.files(__package__).joinpath("schema.sql").read_text()
    connection = get_db()
    connection.executescript(schema)
    connection.commit()


@click.command("init-db")
def init_db_command() -> None:
    """Create the tables afresh."""
    init_db()
    click.echo("Initialised the database.")


def init_app(app: Flask) -> None:
    """Make the instance folder; close connections after each request; add
    ``flask init-db``."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
