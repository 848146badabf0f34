"""Brute-force protection across workers: blocks, their expiry, and who they spare."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import envelope, fields, post, raw_fault
from tests.e2e.test_basic_jwt import basic
from tests.e2e.test_cli import run

ACCOUNT_LIMIT, ADDRESS_LIMIT = 3, 6


@pytest.fixture(scope="module")
def guarded(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server with small limits, behind a 'proxy' (the test) that names the source."""
    server = start_server(
        store,
        tmp_path_factory.mktemp("throttle") / "server.log",
        {
            "USERAPI_THROTTLE_ACCOUNT_FAILURES": str(ACCOUNT_LIMIT),
            "USERAPI_THROTTLE_ADDRESS_FAILURES": str(ADDRESS_LIMIT),
            "USERAPI_THROTTLE_BLOCK": "2",
            "USERAPI_TRUSTED_PROXIES": "127.0.0.1",
        },
    )
    yield server
    stop_server(server)


def call(server: RunningServer, source: str, user: str, password: str) -> requests.Response:
    body = envelope("getbalance", fields(user=user, password=password))
    return post(server.soap_url, body, **{"X-Forwarded-For": source})


def code(response: requests.Response) -> str | None:
    if response.status_code == 200:
        return "OK"
    return raw_fault(response)[2]


def wait_until_served(server: RunningServer, source: str, user: str, password: str) -> None:
    deadline = time.monotonic() + 30
    while code(call(server, source, user, password)) == "TOO_MANY_ATTEMPTS":
        assert time.monotonic() < deadline, "the block never expired"
        time.sleep(0.25)


def test_guessing_one_account_is_blocked_but_not_its_owner(
    store: Store, guarded: RunningServer
) -> None:
    user, password = store.account("5.00")
    attacker, owner = "203.0.113.10", "198.51.100.20"
    for _ in range(ACCOUNT_LIMIT + 1):
        assert code(call(guarded, attacker, user, "guess")) == "INCORRECT_USER_PASSWORD"
    blocked = call(guarded, attacker, user, password)  # even the right password
    assert code(blocked) == "TOO_MANY_ATTEMPTS"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 2
    assert "<tns:retryafter>" in blocked.text
    assert code(call(guarded, attacker, user, "guess")) == "TOO_MANY_ATTEMPTS"
    # The owner, elsewhere, is not locked out by the attacker.
    assert code(call(guarded, owner, user, password)) == "OK"
    # The block expires by itself.
    wait_until_served(guarded, attacker, user, password)
    assert code(call(guarded, attacker, user, password)) == "OK"


def test_success_forgets_earlier_failures(store: Store, guarded: RunningServer) -> None:
    user, password = store.account()
    source = "203.0.113.11"
    # Twice the account limit in typos, each run ended by a success: never blocked.
    # (The source's own counter is not reset by a success; it stays within its limit.)
    for _ in range(ADDRESS_LIMIT // ACCOUNT_LIMIT):
        for _ in range(ACCOUNT_LIMIT):
            assert code(call(guarded, source, user, "typo")) == "INCORRECT_USER_PASSWORD"
        assert code(call(guarded, source, user, password)) == "OK"


def test_spraying_many_accounts_blocks_the_source(store: Store, guarded: RunningServer) -> None:
    sprayer, bystander = "203.0.113.12", "198.51.100.21"
    accounts = [store.account() for _ in range(ADDRESS_LIMIT + 1)]
    for user, _ in accounts:
        assert code(call(guarded, sprayer, user, "123456")) == "INCORRECT_USER_PASSWORD"
    user, password = accounts[0]
    assert code(call(guarded, sprayer, user, password)) == "TOO_MANY_ATTEMPTS"
    assert code(call(guarded, sprayer, "new@example.com", "x")) == "TOO_MANY_ATTEMPTS"
    assert code(call(guarded, bystander, user, password)) == "OK"


def test_operator_lists_and_lifts_a_block(store: Store, guarded: RunningServer) -> None:
    user, password = store.account()
    source = "203.0.113.13"
    for _ in range(ACCOUNT_LIMIT + 1):
        call(guarded, source, user, "guess")
    assert code(call(guarded, source, user, password)) == "TOO_MANY_ATTEMPTS"
    listed = run(store, "throttle", "list")
    assert f"user:{user}|{source}\t{ACCOUNT_LIMIT + 1} failures\tblocked until" in listed.stdout
    cleared = run(store, "throttle", "clear", "--user", user, "--ip", source)
    assert cleared.returncode == 0 and cleared.stdout == "cleared 1 throttling records\n"
    assert code(call(guarded, source, user, password)) == "OK"


def test_missing_credentials_do_not_count(store: Store, guarded: RunningServer) -> None:
    source = "203.0.113.14"
    for _ in range(ADDRESS_LIMIT + 2):
        assert code(call(guarded, source, "", "x")) == "MISSING_USER"
    user, password = store.account()
    assert code(call(guarded, source, user, password)) == "OK"


def json_code(response: requests.Response) -> str:
    body = response.json()
    return "OK" if body["status"] == "SUCCESS" else body["error"]


TRANSPORTS = ("http-get", "http-post", "basic", "jwt-token")
IMPOSSIBLE_USERS = ("nul\x00@example.com", "esc\x1b[2J\r\n@example.com")


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("user", IMPOSSIBLE_USERS)
def test_a_user_no_account_can_have_is_a_counted_failure(
    guarded: RunningServer, transport: str, user: str
) -> None:
    """Characters XML cannot carry name no account: INCORRECT_USER_PASSWORD, counted."""
    source = f"203.0.113.{100 + 10 * TRANSPORTS.index(transport) + IMPOSSIBLE_USERS.index(user)}"
    headers = {"X-Forwarded-For": source}
    url = guarded.url

    def attempt() -> str:
        params = {"class": "user", "method": "getbalance"}
        credentials = {"user": user, "password": "guess"}
        if transport == "http-get":
            response = requests.get(
                f"{url}/api/http/", params={**params, **credentials}, headers=headers, timeout=10
            )
        elif transport == "http-post":
            response = requests.post(
                f"{url}/api/http/", data={**params, **credentials}, headers=headers, timeout=10
            )
        elif transport == "basic":
            response = requests.get(
                f"{url}/api/basic/",
                params=params,
                headers={**headers, **basic(user, "guess")},
                timeout=10,
            )
        else:
            response = requests.post(
                f"{url}/api/jwt/token", data=credentials, headers=headers, timeout=10
            )
        return json_code(response)

    for _ in range(ACCOUNT_LIMIT):
        assert attempt() == "INCORRECT_USER_PASSWORD"
    assert attempt() == "INCORRECT_USER_PASSWORD"  # the one past the limit starts a block
    assert attempt() == "TOO_MANY_ATTEMPTS"
    assert "Traceback" not in guarded.log_text()


def test_soap_cannot_carry_such_a_user(guarded: RunningServer) -> None:
    """XML 1.0 has no NUL or ESC, not even as a character reference: no call, no count."""
    source = "203.0.113.150"
    for user in ("nul&#0;@example.com", "esc&#27;@example.com", "esc\x1b@example.com"):
        for _ in range(ACCOUNT_LIMIT + 2):
            assert code(call(guarded, source, user, "guess")) == "MALFORMED_REQUEST"
