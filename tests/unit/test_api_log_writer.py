"""The API log writer keeps memory bounded and loses nothing it can keep."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from service.apilog.parameters import clean_parameters
from service.apilog.writer import ApiLogWriter
from service.dispatch.context import RequestContext
from service.domain.api import Api
from service.domain.caller import Caller
from service.store import models
from service.store.api_log import COLUMNS
from service.store.database import make_engine
from service.store.prepared import MAX_PARAMETERS
from service.store.uow import UnitOfWorkFactory
from tests.conftest import Store


def quiet_writer(units: UnitOfWorkFactory, max_pending: int = 1000) -> ApiLogWriter:
    """A writer whose thread waits an hour between flushes: the test flushes it."""
    return ApiLogWriter(
        units, enabled=True, mask_personal=False, flush_seconds=3600, max_pending=max_pending
    )


def traces(agent: str, count: int) -> list[RequestContext]:
    return [
        RequestContext(Caller("192.0.2.1", Api.HTTP), agent, method="getbalance")
        for _ in range(count)
    ]


def stored(store: Store, agent: str) -> int:
    with store.core.units.reading() as uow:
        query = select(func.count()).where(models.ApiLogEntry.user_agent == agent)
        return uow.connection.execute(query).scalar_one()


def test_pending_records_are_bounded_and_flushed(store: Store) -> None:
    writer = quiet_writer(store.core.units, max_pending=50)
    agent = f"bound-{uuid.uuid4().hex}"
    for trace in traces(agent, 200):
        writer.record(trace, duration_ms=1)
    assert writer.dropped == 150
    writer.stop()
    assert stored(store, agent) == 50
    assert writer.dropped == 0  # reported (logged) and reset by the flush


def test_an_unreachable_database_keeps_records_for_later(store: Store) -> None:
    dead = UnitOfWorkFactory(make_engine("postgresql://postgres@127.0.0.1:1/none"))
    writer = quiet_writer(dead, max_pending=30)
    agent = f"dead-{uuid.uuid4().hex}"
    for trace in traces(agent, 20):
        writer.record(trace, duration_ms=1)
    assert writer.flush() == 0  # failed, kept
    for trace in traces(agent, 20):
        writer.record(trace, duration_ms=1)
    assert writer.dropped == 10  # the bound holds while the database is away
    # The database is back: the same writer on a live store writes what it kept.
    writer._units = store.core.units
    writer.stop()
    assert stored(store, agent) == 30


def test_parameters_are_cleaned() -> None:
    cleaned = clean_parameters(
        {"user": "a@example.com", "password": "s3cret", "namelastname": "Ana", "zipcode": "1"},
        mask_personal=True,
    )
    assert "s3cret" not in cleaned and "Ana" not in cleaned
    assert '"password": "[redacted]"' in cleaned and '"namelastname": "[masked]"' in cleaned
    long = clean_parameters({"address": "x" * 5000}, mask_personal=False)
    assert len(long) < 300
    many = clean_parameters({f"p{i:03}": "y" * 150 for i in range(100)}, mask_personal=False)
    assert len(many) <= 4000


def test_only_the_contracts_parameters_keep_their_values() -> None:
    cleaned = json.loads(
        clean_parameters(
            {"user": "a@example.com", "pwd": "s3cret", "Password": "s3cret", "cityid": "5"},
            mask_personal=False,
        )
    )
    assert cleaned == {
        "user": "a@example.com",
        "pwd": "[redacted]",
        "Password": "[redacted]",
        "cityid": "5",
    }


def test_parameters_hold_only_text_xml_can_carry() -> None:
    cleaned = clean_parameters({"method": "a\x00\x1b\ud800", "x\x00": "1"}, mask_personal=False)
    assert json.loads(cleaned) == {"method": "a\ufffd\ufffd\ufffd", "x\ufffd": "[redacted]"}
    cleaned.encode()  # no lone surrogate left


def test_a_record_the_database_refuses_is_set_aside(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    writer = quiet_writer(store.core.units)
    agent = f"refused-{uuid.uuid4().hex}"
    for trace in traces(agent, 3):
        writer.record(trace, duration_ms=1)
    # A record no database takes (source_ip is NOT NULL), between two good ones.
    refused = list(writer._pending[1])
    refused[COLUMNS.index("source_ip")] = None
    writer._pending[1] = tuple(refused)
    with caplog.at_level(logging.WARNING, "service.apilog"):
        assert writer.flush() == 2
    assert stored(store, agent) == 2
    assert writer._pending == []
    assert f"1 records set aside, the database refused them: {refused[0]}" in caplog.text


def test_flushes_track_each_access_use_whatever_their_order(store: Store) -> None:
    email, _ = store.account()
    with store.core.units.writing() as uow:
        account = uow.reads.account_by_email(email)
        assert account is not None
        access = uow.accesses.create(account.id, "tracked", f"l-{uuid.uuid4().hex}", "x")
        uow.commit()
    later = datetime(2026, 5, 2, 10, 0, tzinfo=UTC)
    earlier = later - timedelta(minutes=5)

    def calls(at: datetime, source_ip: str, count: int, error: str | None = None) -> None:
        for trace in traces(f"track-{uuid.uuid4().hex}", count):
            trace.created_at, trace.caller.source_ip = at, source_ip
            trace.caller.signed_in(account.id, access)
            trace.error_code = error
            writer.record(trace, duration_ms=1)

    writer = quiet_writer(store.core.units)
    calls(later, "198.51.100.2", 3)
    assert writer.flush() == 3
    # A worker that flushes later may hold earlier calls: they count, but the last use stays.
    calls(earlier, "198.51.100.1", 2)
    calls(earlier, "198.51.100.1", 4, error="INCORRECT_USER_PASSWORD")  # failures do not count
    assert writer.flush() == 6
    with store.core.units.reading() as reading:
        tracked = next(a for a in reading.listings.accesses(account.id) if a.id == access)
        usage = reading.listings.usage(account.id)
        first = reading.connection.execute(
            select(models.ApiAccess.first_used_at).where(models.ApiAccess.id == access)
        ).scalar_one()
    assert tracked.last_used_at is not None and first is not None
    assert tracked.last_used_at.replace(tzinfo=UTC) == later
    assert first.replace(tzinfo=UTC) == later  # set once, by the first flush that saw a use
    assert (tracked.last_source_ip, tracked.last_api, tracked.last_method) == (
        "198.51.100.2",
        "http",
        "getbalance",
    )
    assert [(name, api, method, n) for name, _, api, method, n in usage] == [
        ("tracked", "http", "getbalance", 5)
    ]


def test_a_batch_longer_than_one_statement_is_written_whole(store: Store) -> None:
    writer = quiet_writer(store.core.units)
    agent = f"long-{uuid.uuid4().hex}"
    count = 2 * (MAX_PARAMETERS // len(COLUMNS)) + 1  # three statements
    for number, trace in enumerate(traces(agent, count)):
        trace.parameters = {"user": f"u{number}@example.com", "password": "s3cret"}
        writer.record(trace, duration_ms=number)
    assert writer.flush() == count
    with store.core.units.reading() as uow:
        rows = uow.listings.api_log({"user_agent": agent}, limit=count + 1)
    assert len(rows) == count
    assert {row["duration_ms"] for row in rows} == set(range(count))
    assert all("s3cret" not in row["parameters"] for row in rows)
