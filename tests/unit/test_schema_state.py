"""Readiness reads where the schema stands against the package's migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from service.bootstrap import database_unready
from service.store.migrate import Schema, alembic_config, schema
from tests.conftest import Store


def test_a_migrated_database_is_current(store: Store) -> None:
    with store.core.units.reading() as uow:
        assert schema(uow.connection) is Schema.CURRENT
    assert database_unready(store.core.units) is None


@pytest.mark.parametrize(
    ("version", "state"),
    [("0001", Schema.BEHIND), (None, Schema.BEHIND), ("f00dfeed", Schema.AHEAD)],
)
def test_an_older_revision_is_behind_and_an_unknown_one_ahead(
    version: str | None, state: Schema
) -> None:
    from alembic.script import ScriptDirectory

    first = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())[-1].revision
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        if version is not None:
            stored = first if version == "0001" else version
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": stored})
        assert schema(connection) is state
