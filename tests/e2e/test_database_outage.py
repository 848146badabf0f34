"""PostgreSQL goes away mid-load: coded faults fast, no hung worker, recovery without restart."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from service.store.database import normalise_url
from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import envelope, fields, post
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def proxied_database(store: Store) -> Iterator[tuple[TcpProxy, str]]:
    if store.name != "postgresql":
        pytest.skip("an outage of the embedded SQLite file is no network outage")
    parsed = make_url(normalise_url(store.url))
    proxy = TcpProxy((parsed.host or "127.0.0.1", parsed.port or 5432))
    proxy.start()
    url = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    yield proxy, url
    proxy.cut()


def balance_call(server: RunningServer, user: str, password: str) -> str:
    """getbalance, answered within 2 s or the test fails (requests raises on the timeout)."""
    response = requests.post(
        server.soap_url,
        data=envelope("getbalance", fields(user=user, password=password)),
        headers={"Content-Type": "text/xml"},
        timeout=2.5,
    )
    if response.status_code == 200:
        return "OK"
    return response.text.split("<tns:code>", 1)[1].split("<", 1)[0]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["granian", "gunicorn"])
def test_outage_and_recovery(
    store: Store,
    proxied_database: tuple[TcpProxy, str],
    tmp_path_factory: pytest.TempPathFactory,
    engine: str,
) -> None:
    proxy, url = proxied_database
    user, password = store.account("5.55")
    server = start_server(
        store,
        tmp_path_factory.mktemp("outage") / "server.log",
        {"DATABASE_URL": url},
        extra_args=("--engine", engine),
    )
    try:
        for _ in range(4):
            assert balance_call(server, user, password) == "OK"
        proxy.cut()
        for _ in range(6):
            assert balance_call(server, user, password) == "SERVICE_UNAVAILABLE"
        assert requests.get(f"{server.url}/health/ready", timeout=3).status_code == 503
        proxy.start()
        answers = [balance_call(server, user, password) for _ in range(20)]
        assert "OK" in answers  # recovered by itself, no restart
        assert all(a == "OK" for a in answers[answers.index("OK") :])
        assert requests.get(f"{server.url}/health/ready", timeout=3).status_code == 200
        assert post(
            server.soap_url, envelope("getbalance", fields(user=user, password=password))
        ).ok
    finally:
        assert stop_server(server) == 0
    assert "Traceback" not in server.log_text()


def test_a_dropped_connection_costs_no_call(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The server drops a worker's connections (pg_terminate_backend): the next call succeeds."""
    if store.name != "postgresql":
        pytest.skip("SQLite has no server connections")
    name = f"e2e-dropped-{uuid.uuid4().hex[:8]}"
    url = make_url(normalise_url(store.url)).update_query_dict({"application_name": name})
    user, password = store.account("7.70")
    server = start_server(
        store,
        tmp_path_factory.mktemp("dropped") / "server.log",
        {"DATABASE_URL": url.render_as_string(hide_password=False)},
        workers=1,
    )
    killer = create_engine(normalise_url(store.url), poolclass=NullPool)
    try:
        for _ in range(3):
            assert balance_call(server, user, password) == "OK"
            with killer.connect() as connection:
                killed = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                        " WHERE application_name = :name"
                    ),
                    {"name": name},
                ).scalar_one()
            assert killed >= 1
            # At once: the worker's kept read connection is used again without a ping.
            assert balance_call(server, user, password) == "OK"
    finally:
        killer.dispose()
        assert stop_server(server) == 0
    assert "Traceback" not in server.log_text()
