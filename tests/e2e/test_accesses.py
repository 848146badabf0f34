"""API accesses and IP filters, managed with the CLI, enforced at once on every transport."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.http import http_call, outcome
from tests.e2e.soap import envelope, fields, post, raw_fault
from tests.e2e.test_basic_jwt import basic, bearer, token_for
from tests.e2e.test_cli import run


def create_access(store: Store, email: str, name: str) -> tuple[str, str]:
    result = run(store, "access", "create", email, "--name", name)
    assert result.returncode == 0, result.stderr
    login = re.search(r"user: +(ak_\w+)", result.stdout)
    secret = re.search(r"password: +(\S+)", result.stdout)
    assert login and secret, result.stdout
    return login.group(1), secret.group(1)


def soap_code(server: RunningServer, user: str, password: str, **headers: str) -> str | None:
    response = post(
        server.soap_url, envelope("getbalance", fields(user=user, password=password)), **headers
    )
    if response.status_code == 200:
        return "OK"
    return raw_fault(response)[2]


def http_code(server: RunningServer, user: str, password: str, **headers: str) -> str:
    result = outcome(
        http_call(server, "getbalance", {"user": user, "password": password}, headers=headers)
    )
    return result if isinstance(result, str) else "OK"


def test_access_lifecycle(store: Store, server: RunningServer) -> None:
    email, password = store.account("6.00")
    login, secret = create_access(store, email, "erp")
    assert soap_code(server, login, secret) == "OK"
    assert http_code(server, login, secret) == "OK"
    token = token_for(server, login, secret)
    jwt_call = http_call(server, "getbalance", {}, path="/api/jwt/", headers=bearer(token))
    assert outcome(jwt_call) == {"balance": "6.00"}
    # The secret opens only its own access; the account's password is not the access's.
    assert soap_code(server, login, password) == "INCORRECT_USER_PASSWORD"
    listed = run(store, "access", "list", email).stdout
    assert f"erp\t{login}\tenabled" in listed and secret not in listed
    assert run(store, "access", "disable", email, "erp").returncode == 0
    # At once, on every worker (several calls reach both).
    for _ in range(4):
        assert soap_code(server, login, secret) == "ACCESS_DISABLED"
        assert http_code(server, login, secret) == "ACCESS_DISABLED"
    jwt_call = http_call(server, "getbalance", {}, path="/api/jwt/", headers=bearer(token))
    assert outcome(jwt_call) == "ACCESS_DISABLED"
    assert soap_code(server, email, password) == "OK"  # the own login is untouched
    assert run(store, "access", "enable", email, "erp").returncode == 0
    assert soap_code(server, login, secret) == "OK"
    assert run(store, "access", "revoke", email, "erp").returncode == 0
    assert soap_code(server, login, secret) == "ACCESS_DISABLED"
    refused = run(store, "access", "enable", email, "erp")
    assert refused.returncode == 1 and "can be enabled" in refused.stderr
    # A wrong secret for a disabled access is still just a wrong password.
    assert soap_code(server, login, "guess") == "INCORRECT_USER_PASSWORD"


def test_own_login_can_be_disabled(store: Store, server: RunningServer) -> None:
    email, password = store.account()
    login, secret = create_access(store, email, "only-way-in")
    assert run(store, "access", "disable", email, "login").returncode == 0
    assert soap_code(server, email, password) == "ACCESS_DISABLED"
    assert soap_code(server, login, secret) == "OK"


def every_way_in(server: RunningServer, user: str, password: str, token: str) -> set[str | None]:
    """The codes of getbalance over SOAP, the HTTP API, Basic and JWT ("OK" for success)."""

    def code(path: str, headers: dict[str, str]) -> str:
        result = outcome(http_call(server, "getbalance", {}, path=path, headers=headers))
        return result if isinstance(result, str) else "OK"

    return {
        soap_code(server, user, password),
        http_code(server, user, password),
        code("/api/basic/", basic(user, password)),
        code("/api/jwt/", bearer(token)),
    }


def test_account_switch(store: Store, server: RunningServer) -> None:
    email, password = store.account("3.00")
    login, secret = create_access(store, email, "erp")
    dormant, dormant_secret = create_access(store, email, "dormant")
    assert run(store, "access", "disable", email, "dormant").returncode == 0
    own_token, access_token = token_for(server, email, password), token_for(server, login, secret)
    assert every_way_in(server, email, password, own_token) == {"OK"}
    assert every_way_in(server, login, secret, access_token) == {"OK"}
    disabled = run(store, "account", "disable", email)
    assert disabled.returncode == 0 and disabled.stdout == f"account {email} is disabled\n"
    # At once, on every worker (several calls reach both), tokens issued before included.
    for _ in range(3):
        assert every_way_in(server, email, password, own_token) == {"ACCESS_DISABLED"}
        assert every_way_in(server, login, secret, access_token) == {"ACCESS_DISABLED"}
    refused = requests.post(
        f"{server.url}/api/jwt/token", data={"user": login, "password": secret}, timeout=10
    )
    assert outcome(refused) == "ACCESS_DISABLED"
    # Checked after the password: without it, nothing is learnt.
    assert soap_code(server, email, "guess") == "INCORRECT_USER_PASSWORD"
    enabled = run(store, "account", "enable", email)
    assert enabled.returncode == 0 and enabled.stdout == f"account {email} is enabled\n"
    assert every_way_in(server, email, password, own_token) == {"OK"}
    assert every_way_in(server, login, secret, access_token) == {"OK"}
    # Each access is back in its own state: one disabled on its own stays so.
    assert soap_code(server, dormant, dormant_secret) == "ACCESS_DISABLED"
    missing = run(store, "account", "disable", "nobody@example.com")
    assert missing.returncode == 1 and missing.stderr == "error: no account nobody@example.com\n"


@pytest.fixture(scope="module")
def proxied(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server that trusts the test as its proxy, so X-Forwarded-For names the source."""
    server = start_server(
        store,
        tmp_path_factory.mktemp("proxied") / "server.log",
        {"USERAPI_TRUSTED_PROXIES": "127.0.0.1"},
    )
    yield server
    stop_server(server)


def test_ip_filters(store: Store, proxied: RunningServer, server: RunningServer) -> None:
    email, password = store.account()
    login, secret = create_access(store, email, "branch")
    assert run(store, "ip", "allow", email, "203.0.113.0/24").returncode == 0
    inside, outside = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.7"}
    assert soap_code(proxied, email, password, **inside) == "OK"
    assert http_code(proxied, email, password, **inside) == "OK"
    assert soap_code(proxied, email, password, **outside) == "IP_NOT_ALLOWED"
    assert http_code(proxied, email, password, **outside) == "IP_NOT_ALLOWED"
    # The password is checked first: a wrong one from outside is just a wrong password.
    assert soap_code(proxied, email, "guess", **outside) == "INCORRECT_USER_PASSWORD"
    # An access's own filter narrows it further.
    assert (
        run(store, "ip", "allow", email, "203.0.113.128/25", "--access", "branch").returncode == 0
    )
    assert soap_code(proxied, login, secret, **inside) == "IP_NOT_ALLOWED"
    assert soap_code(proxied, login, secret, **{"X-Forwarded-For": "203.0.113.200"}) == "OK"
    assert soap_code(proxied, email, password, **inside) == "OK"
    # A peer that is no trusted proxy cannot claim an address.
    assert soap_code(server, email, password, **inside) == "IP_NOT_ALLOWED"
    listed = run(store, "ip", "list", email).stdout
    assert "account\t203.0.113.0/24" in listed and "access branch\t203.0.113.128/25" in listed
    assert run(store, "ip", "deny", email, "203.0.113.0/24").returncode == 0
    assert soap_code(proxied, email, password, **outside) == "OK"


def test_cli_input_errors(store: Store) -> None:
    email, _ = store.account()
    assert run(store, "ip", "allow", email, "not-a-network").returncode == 2
    missing = run(store, "access", "create", "nobody@example.com", "--name", "x")
    assert missing.returncode == 1 and missing.stderr == "error: no account nobody@example.com\n"
    create_access(store, email, "twice")
    again = run(store, "access", "create", email, "--name", "twice")
    assert again.returncode == 1 and "already has an access called twice" in again.stderr
