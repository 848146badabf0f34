"""A dual-stack server ([::]) sees IPv4 clients as IPv4: each its own throttle key and filter."""

from __future__ import annotations

import http.client
import json
import socket
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import envelope, fields
from tests.e2e.test_cli import run

ADDRESS_LIMIT = 3


def _dual_stack_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            probe.bind(("::", 0))
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def dual(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    if not _dual_stack_available():
        pytest.skip("this machine has no dual-stack IPv6 sockets")
    server = start_server(
        store,
        tmp_path_factory.mktemp("dual") / "server.log",
        {
            "USERAPI_THROTTLE_ADDRESS_FAILURES": str(ADDRESS_LIMIT),
            "USERAPI_THROTTLE_BLOCK": "60",
            "USERAPI_TRUSTED_PROXIES": "127.0.0.1",
        },
        host="[::]",
    )
    yield server
    stop_server(server)


def soap_code(
    server: RunningServer,
    source: str,
    user: str,
    password: str,
    forwarded_for: str | None = None,
    host: str = "127.0.0.1",
) -> str:
    """getbalance over SOAP from the local address ``source``: OK or the fault's code."""
    port = urlsplit(server.url).port
    connection = http.client.HTTPConnection(host, port, timeout=10, source_address=(source, 0))
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    try:
        body = envelope("getbalance", fields(user=user, password=password))
        connection.request("POST", "/api/soap/", body, headers)
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    if response.status == 200:
        return "OK"
    assert response.status == 500, text
    return text.split("<tns:code>", 1)[1].split("<", 1)[0]


def spray(server: RunningServer, source: str, forwarded_for: str | None = None) -> None:
    """Failed logins from one source until it is blocked."""
    for _ in range(ADDRESS_LIMIT + 1):
        user = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
        assert soap_code(server, source, user, "x", forwarded_for) == "INCORRECT_USER_PASSWORD"
    user = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    assert soap_code(server, source, user, "x", forwarded_for) == "TOO_MANY_ATTEMPTS"


def test_one_ipv4_client_blocked_spares_the_others(store: Store, dual: RunningServer) -> None:
    user, password = store.account("1.00")
    spray(dual, "127.0.0.2")
    assert soap_code(dual, "127.0.0.2", user, password) == "TOO_MANY_ATTEMPTS"
    assert soap_code(dual, "127.0.0.3", user, password) == "OK"
    blocked = run(store, "throttle", "list").stdout
    assert "ip:127.0.0.2\t" in blocked and "::/64" not in blocked
    # A real IPv6 client is still counted by its /64, and served.
    assert soap_code(dual, "::1", user, password, host="::1") == "OK"


def test_an_ipv4_filter_matches_over_the_dual_stack_socket(
    store: Store, dual: RunningServer
) -> None:
    user, password = store.account()
    assert run(store, "ip", "allow", user, "127.0.0.4").returncode == 0
    assert soap_code(dual, "127.0.0.4", user, password) == "OK"
    assert soap_code(dual, "127.0.0.5", user, password) == "IP_NOT_ALLOWED"
    # The API log and the connection tracking name the IPv4 client too.
    deadline = time.monotonic() + 15
    while True:
        result = run(store, "logs", "--json", "--ip", "127.0.0.4")
        entries = [json.loads(line) for line in result.stdout.splitlines()]
        listed = run(store, "access", "list", user).stdout
        if entries and "from 127.0.0.4 via" in listed:
            break
        assert time.monotonic() < deadline, (result.stdout, listed)
        time.sleep(0.5)
    assert {entry["source_ip"] for entry in entries} == {"127.0.0.4"}
    # A filter written IPv4-mapped is the IPv4 filter.
    allowed = run(store, "ip", "allow", user, "::ffff:127.0.0.5")
    assert (
        allowed.returncode == 0
        and allowed.stdout == f"{user}, the account: 127.0.0.4/32, 127.0.0.5/32\n"
    )
    assert soap_code(dual, "127.0.0.5", user, password) == "OK"


def test_a_trusted_proxy_forwarding_ipv4_mapped_addresses(
    store: Store, dual: RunningServer
) -> None:
    """The proxy (127.0.0.1, itself seen mapped) forwards ::ffff:a.b.c.d for IPv4 clients."""
    user, password = store.account()
    spray(dual, "127.0.0.1", forwarded_for="::ffff:198.51.100.30")
    assert soap_code(dual, "127.0.0.1", user, password, "::ffff:198.51.100.30") == (
        "TOO_MANY_ATTEMPTS"
    )
    assert soap_code(dual, "127.0.0.1", user, password, "::ffff:198.51.100.31") == "OK"
    assert soap_code(dual, "127.0.0.1", user, password, "198.51.100.31") == "OK"
    assert soap_code(dual, "127.0.0.1", user, password, "198.51.100.30") == "TOO_MANY_ATTEMPTS"
