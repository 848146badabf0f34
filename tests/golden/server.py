"""The real server on a fresh, seeded database of either store, for one replay."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from service.bootstrap import build_core
from service.settings import Settings
from service.store import migrate
from tests.conftest import Store, _drop_postgres_database, _postgres_scratch_database
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.golden.seed import CITY_POPULATION_CUTOFF, SERVER_ENV, seed


@contextmanager
def golden_server(store: str, directory: Path) -> Iterator[RunningServer]:
    """Serve a new database of ``store`` ("sqlite" or "postgresql", on TEST_DATABASE_URL's
    server), migrated and seeded, with the corpus's settings; dropped afterwards."""
    dropped = None
    if store == "sqlite":
        url = f"sqlite:///{directory / 'golden.sqlite3'}"
    else:
        url, dropped = _postgres_scratch_database(os.environ["TEST_DATABASE_URL"])
    env = {"DATABASE_URL": url, **SERVER_ENV}
    core = build_core(Settings.from_env(env))
    try:
        migrate.upgrade(core.engine, CITY_POPULATION_CUTOFF)
        seed(core)
        core.engine.dispose()
        server = start_server(Store(store, url, env, core, itertools.count()), directory / "log")
        try:
            yield server
        finally:
            stop_server(server)
    finally:
        core.engine.dispose()
        if dropped:
            _drop_postgres_database(os.environ["TEST_DATABASE_URL"], dropped)


def port_of(server: RunningServer) -> int:
    port = urlsplit(server.url).port
    assert port is not None
    return port
