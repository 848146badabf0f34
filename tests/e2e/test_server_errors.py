"""Server-side failures reach the client as coded faults, and the log stays clean."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
import sqlalchemy

from service.store.causes import NO_SCHEMA
from tests.conftest import Store
from tests.e2e.conftest import start_server, stop_server
from tests.e2e.soap import envelope, fields, post, raw_fault


def test_unreachable_database_is_service_unavailable(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = tmp_path_factory.mktemp("unreachable") / "server.log"
    server = start_server(
        store, log, {"DATABASE_URL": "postgresql://postgres:pw-canary@127.0.0.1:1/x"}, workers=1
    )
    try:
        # Alive, but not ready: the database does not answer.
        assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
        assert requests.get(f"{server.url}/health/ready", timeout=10).status_code == 503
        body = envelope("getbalance", fields(user="a@example.com", password="pw"))
        assert raw_fault(post(server.soap_url, body)) == (
            "soap11env:Server.SERVICE_UNAVAILABLE",
            "The service is temporarily unavailable, try again later",
            "SERVICE_UNAVAILABLE",
        )
    finally:
        stop_server(server)
    text = server.log_text()
    assert "pw-canary" not in text
    # The operator reads why at start (the server starts all the same: the database may come
    # up later), from the readiness probe, and once per outage rather than once per call.
    starting = "not ready: connection refused (is the server running, on that port?); starting "
    assert text.startswith('{"time"') and starting in text.splitlines()[0]
    assert text.count("not ready: connection refused") == 2
    assert text.count("database unavailable: connection refused") == 1


def test_a_broken_database_is_an_internal_error_with_a_clean_log(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A database nobody migrated: every query fails inside the driver.
    if store.name == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'empty.sqlite3'}"
    else:
        url = store.url.rsplit("/", 1)[0] + f"/ums_empty_{uuid.uuid4().hex[:8]}"
        admin = sqlalchemy.create_engine(store.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"'))
    log = tmp_path_factory.mktemp("broken") / "server.log"
    server = start_server(store, log, {"DATABASE_URL": url}, workers=1)
    try:
        # Not ready: the database answers, but the service cannot serve from it.
        assert requests.get(f"{server.url}/health/ready", timeout=10).status_code == 503
        body = envelope("getbalance", fields(user="a@example.com", password="pw-canary-2"))
        response = post(server.soap_url, body)
        assert raw_fault(response) == (
            "soap11env:Server.INTERNAL_ERROR",
            "Internal error",
            "INTERNAL_ERROR",
        )
        for leak in ("SELECT", "accounts", "Traceback", ".py", "pw-canary-2"):
            assert leak not in response.text
    finally:
        stop_server(server)
        if store.name != "sqlite":
            with admin.connect() as connection:
                name = url.rsplit("/", 1)[1]
                connection.execute(sqlalchemy.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
    text = server.log_text()
    # Every line names the cause in the operator's words: at start, readiness, the call.
    assert f"not ready: {NO_SCHEMA}; starting all the same" in text.splitlines()[0]
    assert text.count(f"not ready: {NO_SCHEMA}") == 2
    assert text.count("internal error: ") == 1
    assert f": {NO_SCHEMA}" in text.split("internal error: ", 1)[1].splitlines()[0]
    # The error's line names the request that met it and the exception's class.
    (line,) = [json.loads(x) for x in text.splitlines() if "internal error: " in x]
    assert line["level"] == "ERROR"
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["error"] in ("OperationalError", "ProgrammingError")
    for leak in ("SELECT", "Traceback", "pw-canary-2", "/"):
        assert leak not in text.split("internal error: ", 1)[1].splitlines()[0]
    assert "SELECT" not in text and "Traceback" not in text and "pw-canary-2" not in text
