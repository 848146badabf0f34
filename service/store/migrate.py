"""Schema migrations and catalogue loading: what ``db upgrade`` does."""

from __future__ import annotations

from enum import Enum
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from . import catalogue

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, city_population_cutoff: int) -> int:
    """Migrate the schema to the newest revision and load the city catalogue.

    Idempotent: a second run changes nothing. Returns how many cities were loaded.
    """
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return catalogue.load_cities(engine, city_population_cutoff)


class Schema(Enum):
    """How the database's schema stands against this package's migrations."""

    CURRENT = "at the package's newest migration"
    # Migrated by a newer release: migrations only add (columns, tables, indexes), so the
    # hosts still running this one keep working during a rolling upgrade.
    AHEAD = "ahead of the package (a newer release migrated it)"
    BEHIND = "behind the package (run `python -m service db upgrade`)"


@cache
def _revisions() -> tuple[str, frozenset[str]]:
    """The package's newest revision and all its revisions."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None  # the package ships its migrations
    return head, frozenset(revision.revision for revision in script.walk_revisions())


def schema(connection: Connection) -> Schema:
    """Where the schema stands; a database with no schema fails like a missing table."""
    version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head, known = _revisions()
    if version == head:
        return Schema.CURRENT
    if version in known or version is None:
        return Schema.BEHIND
    return Schema.AHEAD
