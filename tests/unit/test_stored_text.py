"""The migration that cleans text stored before characters XML cannot carry were refused."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from service.domain.address import NewAddress
from service.store import models
from service.store.accesses import Accesses
from service.store.accounts import Accounts
from service.store.addresses import Addresses
from service.store.database import make_engine
from service.store.migrate import alembic_config
from tests.conftest import Store, _drop_postgres_database, _postgres_scratch_database

BEFORE = "0007"  # the revision before the cleaning one


@pytest.fixture
def scratch(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new, empty database of the store's kind."""
    if store.name == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('clean')}/clean.sqlite3"
        return
    url, name = _postgres_scratch_database(os.environ["TEST_DATABASE_URL"])
    yield url
    _drop_postgres_database(os.environ["TEST_DATABASE_URL"], name)


def migrate(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_stored_text_is_cleaned(
    store: Store, scratch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(scratch)
    migrate(engine, BEFORE)
    # NUL is one more such character on SQLite; PostgreSQL never stored it.
    nul = "\x00" if store.name == "sqlite" else ""
    with Session(engine) as session:
        account = Accounts(session).create("a@example.com", "x", Decimal(0), ("sms", "email"))
        session.add(
            models.City(id=999_000_001, countrycode="US", name="Town\x0b", source="operator")
        )
        session.flush()
        Addresses(session).add(
            account,
            NewAddress(
                namelastname=f"Ana\x1b[31m{nul}",
                iscompany=0,
                companyname="",
                documentid="1\ufffe",
                countrycode="US",
                cityid=999_000_001,
                cityname="Town",
                zipcode="1",
                address="Main St\t1",  # tab is text: unchanged
            ),
        )
        session.execute(
            update(models.Channel)
            .where(models.Channel.channeltype == "sms")
            .values(channelname="sms\x1f")
        )
        access = Accesses(session).create(account, "tracked", f"ak_{uuid.uuid4().hex}", "x")
        today = date.today()
        session.execute(
            insert(models.AccessUsage),
            [
                {"access_id": access, "day": today, "api": "http", "method": m, "calls": n}
                for m, n in (("get\x1b", 2), ("get\x1c", 3), ("getbalance", 5))
            ],
        )
        session.execute(
            insert(models.ApiLogEntry),
            {
                "request_id": "0" * 32,
                "created_at": datetime.now(UTC),
                "source_ip": "192.0.2.1",
                "api": "http",
                "api_class": "user\x07",
                "method": "\x1b[2J",
                "parameters": "{}",
                "status": "ERROR",
                "http_status": 200,
                "duration_ms": 1,
                "bytes_in": 0,
                "bytes_out": 0,
                "user_agent": "agent\x08",
            },
        )
        session.commit()

    migrate(engine, "head")
    printed = capsys.readouterr().out
    assert "stored text cleaned of characters XML cannot carry: 6 rows changed" in printed
    assert "addresses 1, channels 1, cities 1" in printed and "access_usage 2" in printed

    with Session(engine) as session:
        address = session.scalars(select(models.Address)).one()
        assert address.namelastname == "Ana\ufffd[31m" + ("\ufffd" if nul else "")
        assert (address.documentid, address.address) == ("1\ufffd", "Main St\t1")
        names = set(session.scalars(select(models.Channel.channelname)))
        assert names == {"sms\ufffd", "email"}
        city = session.get(models.City, 999_000_001)
        assert city is not None and city.name == "Town\ufffd"
        usage = {u.method: u.calls for u in session.scalars(select(models.AccessUsage))}
        assert usage == {"get\ufffd": 5, "getbalance": 5}
        entry = session.scalars(select(models.ApiLogEntry)).one()
        assert (entry.api_class, entry.method, entry.user_agent) == (
            "user\ufffd",
            "\ufffd[2J",
            "agent\ufffd",
        )
    engine.dispose()
