"""Shared fixtures: one database per store per session, catalogue loaded once.

The suite runs on SQLite always and on PostgreSQL too when TEST_DATABASE_URL is
set (a server the suite may create and drop scratch databases on).
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.bootstrap import Core, build_core
from service.domain.caller import Caller
from service.domain.channel import DEFAULT_CHANNEL_TYPES
from service.settings import Settings
from service.store import migrate
from service.store.database import normalise_url

# Cheap Argon2 in tests only: production parameters cost ~0.2 s of CPU per hash.
CHEAP_ARGON2 = {
    "USERAPI_ARGON2_TIME_COST": "1",
    "USERAPI_ARGON2_MEMORY_KIB": "64",
    "USERAPI_ARGON2_PARALLELISM": "1",
}
# The suite sends many wrong passwords from one address on purpose; the throttling
# tests run their own server with small limits.
RELAXED_THROTTLE = {
    "USERAPI_THROTTLE_ACCOUNT_FAILURES": "10000",
    "USERAPI_THROTTLE_ADDRESS_FAILURES": "100000",
}

CALLER = Caller("192.0.2.10")

STORES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@dataclass
class Store:
    """A migrated test database with its catalogue, and the core built on it."""

    name: str
    url: str
    env: dict[str, str]
    core: Core
    _counter: itertools.count

    def account(self, balance: str = "0.00", password: str | None = None) -> tuple[str, str]:
        """A new account with a unique e-mail; returns (user, password)."""
        email = f"user{next(self._counter)}-{uuid.uuid4().hex[:8]}@example.com"
        password = password or f"pw-{uuid.uuid4().hex}"
        with self.core.units.writing() as uow:
            uow.accounts.create(
                email, self.core.passwords.hash(password), Decimal(balance), DEFAULT_CHANNEL_TYPES
            )
            uow.commit()
        return email, password


def _postgres_scratch_database(base_url: str) -> tuple[str, str]:
    """Create a fresh database on TEST_DATABASE_URL's server; returns (url, admin url)."""
    admin = make_url(normalise_url(base_url))
    name = f"ums_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(base_url: str, name: str) -> None:
    engine = create_engine(make_url(normalise_url(base_url)), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session", params=STORES)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A migrated database with the catalogue, built once per store per session."""
    dropped = None
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        url = f"sqlite:///{path}"
    else:
        url, dropped = _postgres_scratch_database(os.environ["TEST_DATABASE_URL"])
    env = {"DATABASE_URL": url, **CHEAP_ARGON2, **RELAXED_THROTTLE}
    core = build_core(Settings.from_env(env))
    migrate.upgrade(core.engine, core.settings.city_population_cutoff)
    yield Store(request.param, url, env, core, itertools.count())
    core.engine.dispose()
    if dropped:
        _drop_postgres_database(os.environ["TEST_DATABASE_URL"], dropped)
