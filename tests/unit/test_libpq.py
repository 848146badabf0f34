"""PostgreSQL reads through libpq answer, and fail, as psycopg's cursor does."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Connection, insert, text
from sqlalchemy.exc import DBAPIError

from service.domain.throttle import ThrottleKey
from service.store import models, reads
from service.store.database import make_engine, reading_engine
from service.store.prepared import PreparedRead
from tests.conftest import Store

ADDRESS = {
    "namelastname": "Ana Pérez",
    "iscompany": 1,
    "companyname": "Ñandú S.L.",
    "documentid": "X1234567L",
    "countrycode": "ES",
    "cityid": 3117735,
    "cityname": "Madrid",
    "zipcode": "28001",
    "address": "Calle Mayor 1",
    "verified": 1,
    "addressverified": 0,
}


@pytest.fixture
def postgresql(store: Store) -> Store:
    if store.name != "postgresql":
        pytest.skip("libpq reads are PostgreSQL's")
    return store


@pytest.fixture
def autocommit(postgresql: Store) -> Iterator[Connection]:
    """A connection as read-only units of work get it: autocommit, so libpq runs the reads."""
    engine = make_engine(postgresql.url, pool_size=1)
    try:
        with reading_engine(engine).connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None and driver.autocommit
            yield connection
    finally:
        engine.dispose()


def _cursor_rows(store: Store, query: PreparedRead, params: Mapping[str, object]) -> list[tuple]:
    """The same read in a transaction: psycopg's cursor runs it."""
    with store.core.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None and not driver.autocommit
        return query.rows(connection, params)


def test_every_read_gives_the_cursors_rows_and_values(
    postgresql: Store, autocommit: Connection
) -> None:
    user, _ = postgresql.account(balance="1234.56")
    blocked = datetime.now(UTC).replace(microsecond=123456) + timedelta(minutes=5)
    with postgresql.core.units.writing() as uow:
        account = uow.reads.login_record(user)
        assert account is not None
        uow.session.execute(insert(models.Address), [{**ADDRESS, "account_id": account.id}] * 2)
        throttle = {"failures": 3, "window_start": blocked, "blocked_until": blocked}
        stored = ThrottleKey.of_account(user, "192.0.2.99").stored
        uow.session.execute(insert(models.LoginThrottle), [{"key": stored, **throttle}])
        uow.commit()
    keys = {"source_key": "ip:192.0.2.99", "account_key": stored}
    queries: list[tuple[PreparedRead, Mapping[str, object]]] = [
        (reads._LOGIN_STATE[False], {"user": user, **keys}),
        (reads._LOGIN_STATE[False], {"user": "nobody@example.com", **keys}),
        (reads._THROTTLE_ONLY, keys),
        (reads._ADDRESSES, {"account_id": account.id}),
        (reads._CHANNELS, {"account_id": account.id}),
    ]
    for query, params in queries:
        assert query.rows(autocommit, params) == _cursor_rows(postgresql, query, params)
    [login] = reads._LOGIN_STATE[False].rows(autocommit, {"user": user, **keys})
    assert login[3] == Decimal("1234.56") and login[-2] == blocked and login[-1] == 3
    assert len(reads._ADDRESSES.rows(autocommit, {"account_id": account.id})) == 2


def test_a_statement_dropped_on_the_server_is_prepared_again(
    postgresql: Store, autocommit: Connection
) -> None:
    user, _ = postgresql.account()
    params = {"user": user, "source_key": "ip:a", "account_key": "user:b|a"}
    first = reads._LOGIN_STATE[False].rows(autocommit, params)
    autocommit.exec_driver_sql("DEALLOCATE ALL")
    assert reads._LOGIN_STATE[False].rows(autocommit, params) == first


def test_a_bad_value_fails_as_the_drivers_error_and_keeps_the_connection(
    autocommit: Connection,
) -> None:
    params = {"user": "nul\x00byte", "source_key": "ip:a", "account_key": "user:b|a"}
    with pytest.raises(DBAPIError) as raised:
        reads._LOGIN_STATE[False].rows(autocommit, params)
    assert not raised.value.connection_invalidated
    assert "nul\x00byte" not in str(raised.value)
    assert reads._THROTTLE_ONLY.rows(autocommit, params) == [(None, None, 0)]


def test_a_lost_connection_is_invalidated(postgresql: Store, autocommit: Connection) -> None:
    pid = autocommit.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with postgresql.core.engine.connect() as killer:
        killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(DBAPIError) as raised:
        reads._THROTTLE_ONLY.rows(autocommit, {"source_key": "a", "account_key": "b"})
    assert raised.value.connection_invalidated
    assert autocommit.invalidated
