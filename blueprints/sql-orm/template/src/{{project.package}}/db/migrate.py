"""Run the Alembic migrations from code (the tests and the app's tooling do).

The same migrations run from the command line, with the configuration in
``pyproject.toml`` (``[tool.alembic]``)::

    alembic upgrade head
"""

from alembic import command
from alembic.config import Config

SCRIPT_LOCATION = f"{__package__}:migrations"
"""The migrations folder, found inside the installed package."""


def alembic_config(url: str) -> Config:
    """An Alembic configuration that migrates the database at ``url``."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["database_url"] = url
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (the latest by default)."""
    command.upgrade(alembic_config(url), revision)
