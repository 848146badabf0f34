"""The API log: one record per request on every transport, nothing secret in it, nothing lost."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.http import http_call
from tests.e2e.soap import envelope, fields, post
from tests.e2e.test_accesses import create_access
from tests.e2e.test_basic_jwt import basic, bearer, token_for
from tests.e2e.test_cli import run


def logged(store: Store, agent: str, expected: int, deadline: float = 15) -> list[dict[str, Any]]:
    """The log records of one user agent, once there are ``expected`` of them."""
    until = time.monotonic() + deadline
    while True:
        result = run(store, "logs", "--json", "--limit", "1000")
        records = [json.loads(line) for line in result.stdout.splitlines()]
        mine = [r for r in records if r["user_agent"] == agent]
        if len(mine) >= expected or time.monotonic() > until:
            return sorted(mine, key=lambda r: r["created_at"])
        time.sleep(0.2)


def test_every_transport_is_logged(store: Store, server: RunningServer) -> None:
    user, password = store.account("2.00", password="Log-canary-9d1e")
    agent = f"log-test-{uuid.uuid4().hex}"
    headers = {"User-Agent": agent}
    soap12 = (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
        '<u:getchannels xmlns:u="urn:usermanagement:user:v1"/></s:Body></s:Envelope>'
    )
    replies = [
        requests.get(f"{server.soap_url}?wsdl", headers=headers, timeout=10),
        post(
            server.soap_url, envelope("getbalance", fields(user=user, password=password)), **headers
        ),
        post(server.soap_url, envelope("getbalance", fields(user=user, password="x")), **headers),
    ]
    replies.append(
        http_call(server, "getbalance", {"user": user, "password": password}, headers=headers)
    )
    replies.append(
        http_call(
            server,
            "getchannels",
            {},
            path="/api/basic/",
            headers={**headers, **basic(user, password)},
        )
    )
    token = token_for(server, user, password)
    replies.append(
        http_call(
            server, "getaddresses", {}, path="/api/jwt/", headers={**headers, **bearer(token)}
        )
    )
    replies.append(
        requests.post(
            f"{server.url}/api/soap12/",
            data=soap12,
            headers={**headers, "Content-Type": "application/soap+xml"},
            timeout=10,
        )
    )
    records = logged(store, agent, 7)
    assert [(r["api"], r["method"], r["status"], r["error_code"]) for r in records] == [
        ("soap11", "wsdl", "SUCCESS", None),
        ("soap11", "getbalance", "SUCCESS", None),
        ("soap11", "getbalance", "ERROR", "INCORRECT_USER_PASSWORD"),
        ("http", "getbalance", "SUCCESS", None),
        ("basic", "getchannels", "SUCCESS", None),
        ("jwt", "getaddresses", "SUCCESS", None),
        ("soap12", "getchannels", "ERROR", "MISSING_USER"),
    ]
    for record, reply in zip(records, replies, strict=True):
        assert record["request_id"] == reply.headers["X-Request-Id"]
        assert record["http_status"] == reply.status_code
        assert record["bytes_out"] == len(reply.content)
    success = records[1]
    assert success["account_id"] is not None and success["access_id"] is not None
    assert success["result"] == "2.00" and success["source_ip"] == "127.0.0.1"
    assert success["parameters"] == {"user": user, "password": "[redacted]"}
    assert records[4]["result"] == "3 items"
    everything = json.dumps(records)
    assert "Log-canary-9d1e" not in everything and token not in everything


def test_connection_tracking(store: Store, server: RunningServer) -> None:
    email, _ = store.account()
    login, secret = create_access(store, email, "tracked")
    for _ in range(3):
        post(server.soap_url, envelope("getbalance", fields(user=login, password=secret)))
    http_call(server, "getchannels", {"user": login, "password": secret})
    deadline = time.monotonic() + 15
    while True:
        usage = run(store, "connections", email).stdout
        if ("3 calls" in usage and "getchannels" in usage) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "\ttracked\tsoap11\tgetbalance\t3 calls" in usage
    assert "\ttracked\thttp\tgetchannels\t1 calls" in usage
    listed = run(store, "access", "list", email).stdout
    assert "from 127.0.0.1 via http getchannels" in listed


@pytest.mark.parametrize("engine", ["granian", "gunicorn"])
def test_graceful_stop_under_load_loses_no_record(
    store: Store, tmp_path_factory: pytest.TempPathFactory, engine: str
) -> None:
    # No timed flush before the stop: what the batches have not written, the stop must
    # (granian's workers leave through os._exit: the bridge's __rsgi_del__ writes it).
    server = start_server(
        store,
        tmp_path_factory.mktemp("drain") / "server.log",
        {"USERAPI_API_LOG_FLUSH_SECONDS": "60"},
        extra_args=("--engine", engine),
    )
    user, password = store.account()
    agent = f"drain-{uuid.uuid4().hex}"
    body = envelope("getbalance", fields(user=user, password=password))
    answered: list[int] = []
    stop = threading.Event()

    def client() -> None:
        # Bounded: at most 200 calls per client, and only until the server goes away.
        for _ in range(200):
            if stop.is_set():
                return
            try:
                response = post(server.soap_url, body, **{"User-Agent": agent})
            except requests.RequestException:
                return  # refused after the stop began: never accepted, never logged
            if response.status_code == 200:
                answered.append(1)

    clients = [threading.Thread(target=client) for _ in range(4)]
    for thread in clients:
        thread.start()
    while len(answered) < 40:  # the load is running
        time.sleep(0.05)
    assert stop_server(server) == 0  # SIGTERM while the clients keep calling
    stop.set()
    for thread in clients:
        thread.join(timeout=30)
    assert len(logged(store, agent, len(answered), deadline=2)) == len(answered)
