"""The API log writer keeps memory bounded and loses nothing it can keep."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from service.apilog.parameters import clean_parameters
from service.apilog.writer import ApiLogWriter
from service.domain.trace import CallTrace
from service.store import models
from service.store.database import make_engine
from service.store.uow import UnitOfWorkFactory
from tests.conftest import Store


def traces(agent: str, count: int) -> list[CallTrace]:
    return [CallTrace("192.0.2.1", "http", agent, method="getbalance") for _ in range(count)]


def stored(store: Store, agent: str) -> int:
    with store.core.units.reading() as uow:
        query = select(func.count()).where(models.ApiLogEntry.user_agent == agent)
        return uow.session.execute(query).scalar_one()


def test_pending_records_are_bounded_and_flushed(store: Store) -> None:
    writer = ApiLogWriter(store.core.units, flush_seconds=3600, max_pending=50)
    agent = f"bound-{uuid.uuid4().hex}"
    for trace in traces(agent, 200):
        writer.record(trace, duration_ms=1)
    assert writer.dropped == 150
    writer.stop()
    assert stored(store, agent) == 50
    assert writer.dropped == 0  # reported (logged) and reset by the flush


def test_an_unreachable_database_keeps_records_for_later(store: Store) -> None:
    dead = UnitOfWorkFactory(make_engine("postgresql://postgres@127.0.0.1:1/none"))
    writer = ApiLogWriter(dead, flush_seconds=3600, max_pending=30)
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
