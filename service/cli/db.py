"""``db``: the database's schema and catalogue."""

from __future__ import annotations

import argparse

from .command import Context, Subcommands, add_command, add_group


def db_upgrade(context: Context, args: argparse.Namespace) -> None:
    """Create or migrate the schema and load the city catalogue."""
    from ..store import migrate  # alembic: for this command only

    added = migrate.upgrade(context.engine, context.settings.city_population_cutoff)
    print(f"database is up to date; {added} catalogue cities added")


def register(commands: Subcommands) -> None:
    """``db upgrade``."""
    db = add_group(commands, "db", "the database")
    add_command(db, "upgrade", db_upgrade)
