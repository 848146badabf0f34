"""Schema migrations and catalogue loading: what ``db upgrade`` does."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

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
