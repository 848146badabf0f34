"""Pooled PostgreSQL connections: a dead one is replaced (pinged when idle, read again)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from service.bootstrap import build_core
from service.domain.credentials import PasswordCredentials
from service.errors import ErrorCode, UserApiError
from service.settings import Settings
from service.store import database, kept
from tests.conftest import CALLER, Store


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


@pytest.fixture
def store(store: Store) -> Store:
    """Only PostgreSQL: SQLite has no server connections."""
    if store.name != "postgresql":
        pytest.skip("SQLite has no server connections")
    return store


@pytest.mark.parametrize("ping_after_idle", [0.0, 3600.0])
def test_a_dead_idle_connection_is_replaced_on_checkout(
    store: Store, monkeypatch: pytest.MonkeyPatch, ping_after_idle: float
) -> None:
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


def _terminate(store: Store, application_name: str) -> int:
    """Terminate every server process of ``application_name``, waiting until each is gone."""
    killer = database.make_engine(store.url)
    try:
        with killer.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                    " WHERE application_name = :name"
                ),
                {"name": application_name},
            ).scalar_one()
    finally:
        killer.dispose()


def test_a_read_runs_again_when_its_kept_connection_was_dropped(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Never pinged: every connection is used as one back within PING_AFTER_IDLE would be.
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)
    monkeypatch.setattr(kept, "PING_AFTER_IDLE", 3600.0)
    name = f"kept-read-{uuid.uuid4().hex[:8]}"
    url = make_url(store.url).update_query_dict({"application_name": name})
    settings = Settings.from_env({**store.env, "DATABASE_URL": url.render_as_string(False)})
    core = build_core(settings)
    try:
        user, password = store.account("2.50")
        login = PasswordCredentials(user, password)
        operations = core.operations
        operations.modifychannel(CALLER, login, "sms", 0)  # a writing connection in the pool too
        reads = {
            "getbalance": lambda: operations.getbalance(CALLER, login) == Decimal("2.50"),
            "getaddresses": lambda: operations.getaddresses(CALLER, login) == [],
            "getchannels": lambda: len(operations.getchannels(CALLER, login)) == 3,
            "issuetoken": lambda: operations.issuetoken(CALLER, login).token != "",
        }
        for read in reads.values():
            assert read()  # the test's main thread keeps its read connection between calls
            assert _terminate(store, name) >= 1
            assert read()  # on a fresh connection, the dead one found and dropped
        # A write is never run again: it answers SERVICE_UNAVAILABLE, the next one succeeds.
        operations.modifychannel(CALLER, login, "sms", 1)
        assert _terminate(store, name) >= 1
        with pytest.raises(UserApiError) as caught:
            operations.modifychannel(CALLER, login, "sms", 0)
        assert caught.value.code is ErrorCode.SERVICE_UNAVAILABLE
        operations.modifychannel(CALLER, login, "sms", 0)
    finally:
        core.engine.dispose()


@pytest.mark.parametrize("ping_after_idle", [0.0, 3600.0])
def test_a_kept_connection_that_rested_is_pinged_and_replaced(
    store: Store, monkeypatch: pytest.MonkeyPatch, ping_after_idle: float
) -> None:
    monkeypatch.setattr(kept, "PING_AFTER_IDLE", ping_after_idle)
    name = f"kept-ping-{uuid.uuid4().hex[:8]}"
    url = make_url(store.url).update_query_dict({"application_name": name})
    engine = database.make_engine(url.render_as_string(False), pool_size=1)
    try:
        connections = kept.KeptConnection(database.reading_engine(engine))
        first = connections.connect()
        assert first.execute(text("SELECT 1")).scalar_one() == 1
        connections.release(first, False)
        assert _terminate(store, name) == 1
        second = connections.connect()
        if ping_after_idle == 0.0:  # it rested: pinged, found dead, replaced before any query
            assert second is not first
            assert second.execute(text("SELECT 1")).scalar_one() == 1
        else:  # trusted as it is: the query finds it dead (the read then runs again)
            assert second is first
            with pytest.raises(OperationalError):
                second.execute(text("SELECT 1"))
        connections.release(second, second is first)
    finally:
        engine.dispose()
