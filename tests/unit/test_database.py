"""Pooled PostgreSQL connections: an idle one is pinged on checkout and replaced if dead."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from service.store import database
from tests.conftest import Store


def _kill_pooled_connection(engine: Engine, url: str) -> None:
    """Terminate, from outside the pool, the server process behind its pooled connection."""
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = database.make_engine(url)
    try:
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        killer.dispose()


@pytest.mark.parametrize("ping_after_idle", [0.0, 3600.0])
def test_a_dead_idle_connection_is_replaced_on_checkout(
    store: Store, monkeypatch: pytest.MonkeyPatch, ping_after_idle: float
) -> None:
    if store.name != "postgresql":
        pytest.skip("SQLite has no server connections")
    monkeypatch.setattr(database, "PING_AFTER_IDLE", ping_after_idle)
    engine = database.make_engine(store.url, pool_size=1)
    try:
        _kill_pooled_connection(engine, store.url)
        with engine.connect() as connection:
            if ping_after_idle == 0.0:  # pinged: the pool reconnected by itself
                assert connection.execute(text("SELECT 1")).scalar_one() == 1
            else:  # not pinged (it was in use a moment ago): the dead connection shows
                with pytest.raises(OperationalError):
                    connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
