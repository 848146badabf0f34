"""WS-Security UsernameToken on both SOAP endpoints: zeep's, hand-made, replayed, stale."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
import zeep
from sqlalchemy import func, select
from zeep.wsse.username import UsernameToken

from service.auth.replay import nonce_digest
from service.soap.wsse import PASSWORD_TEXT, WSSE, WSU
from service.store.models import SecurityNonce
from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import NS, code_of

ENDPOINTS = {
    "1.1": ("/api/soap/", "http://schemas.xmlsoap.org/soap/envelope/", "text/xml"),
    "1.2": ("/api/soap12/", "http://www.w3.org/2003/05/soap-envelope", "application/soap+xml"),
}


@pytest.mark.parametrize("version", sorted(ENDPOINTS))
def test_zeep_username_token(store: Store, server: RunningServer, version: str) -> None:
    user, password = store.account("4.40")
    url = f"{server.url}{ENDPOINTS[version][0]}?wsdl"
    client = zeep.Client(url, wsse=UsernameToken(user, password))
    assert str(client.service.getbalance()) == "4.40"
    client.service.modifychannel(channelname="sms", active=0)
    # Both ways at once, agreeing.
    assert str(client.service.getbalance(user=user, password=password)) == "4.40"
    wrong = zeep.Client(url, wsse=UsernameToken(user, "wrong"))
    assert code_of(wrong.service.getbalance) == "INCORRECT_USER_PASSWORD"
    digest = zeep.Client(url, wsse=UsernameToken(user, password, use_digest=True))
    assert code_of(digest.service.getbalance) == "UNSUPPORTED_PASSWORD_TYPE"
    plain = zeep.Client(url)
    assert code_of(plain.service.getbalance) == "MISSING_USER"


def test_token_and_elements_must_agree(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    other, _ = store.account()
    client = zeep.Client(f"{server.soap_url}?wsdl", wsse=UsernameToken(user, password))
    assert code_of(client.service.getbalance, user=other, password=password) == (
        "INCORRECT_USER_PASSWORD"
    )
    assert code_of(client.service.getbalance, user=user, password="else") == (
        "INCORRECT_USER_PASSWORD"
    )


def envelope_with_token(
    version: str, user: str, password: str, nonce: str | None, created: str | None, tokens: int = 1
) -> bytes:
    soap_ns = ENDPOINTS[version][1]
    extra = ""
    if nonce is not None:
        extra += f"<wsse:Nonce>{nonce}</wsse:Nonce>"
    if created is not None:
        extra += f"<wsu:Created>{created}</wsu:Created>"
    token = (
        f"<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>"
        f'<wsse:Password Type="{PASSWORD_TEXT}">{password}</wsse:Password>{extra}'
        "</wsse:UsernameToken>"
    ) * tokens
    return (
        f'<s:Envelope xmlns:s="{soap_ns}" xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" xmlns:u="{NS}">'
        f'<s:Header><wsse:Security s:mustUnderstand="1">{token}</wsse:Security></s:Header>'
        "<s:Body><u:getbalance/></s:Body></s:Envelope>"
    ).encode()


def send(server: RunningServer, version: str, body: bytes, **headers: str) -> str:
    path, _, content_type = ENDPOINTS[version]
    response = requests.post(
        f"{server.url}{path}",
        data=body,
        headers={"Content-Type": content_type, **headers},
        timeout=10,
    )
    if response.status_code == 200:
        return "OK"
    return response.text.split("<tns:code>", 1)[1].split("<", 1)[0]


def stamp(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("version", sorted(ENDPOINTS))
def test_nonce_and_created(store: Store, server: RunningServer, version: str) -> None:
    user, password = store.account()
    nonce = uuid.uuid4().hex

    def call(nonce: str | None, created: str | None, tokens: int = 1) -> str:
        body = envelope_with_token(version, user, password, nonce, created, tokens)
        return send(server, version, body)

    assert call(nonce, stamp()) == "OK"
    assert call(nonce, stamp()) == "INVALID_SECURITY_HEADER"  # replayed
    assert call(uuid.uuid4().hex, stamp(timedelta(minutes=-10))) == "INVALID_SECURITY_HEADER"
    assert call(uuid.uuid4().hex, stamp(timedelta(minutes=10))) == "INVALID_SECURITY_HEADER"
    assert call(uuid.uuid4().hex, "yesterday") == "INVALID_SECURITY_HEADER"
    assert call(None, stamp(timedelta(seconds=-30))) == "OK"
    # A Nonce without Created could be replayed once its record expired: refused.
    assert call(uuid.uuid4().hex, None) == "INVALID_SECURITY_HEADER"
    assert call(None, None, tokens=2) == "INVALID_SECURITY_HEADER"
    # The documented codes keep their precedence.
    body = envelope_with_token(version, "", password, uuid.uuid4().hex, "yesterday")
    assert send(server, version, body) == "MISSING_USER"


ACCOUNT_LIMIT = 2


@pytest.fixture(scope="module")
def guarded(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server with a small throttle limit that trusts the test as its proxy."""
    server = start_server(
        store,
        tmp_path_factory.mktemp("wsse-throttle") / "server.log",
        {
            "USERAPI_THROTTLE_ACCOUNT_FAILURES": str(ACCOUNT_LIMIT),
            "USERAPI_THROTTLE_BLOCK": "60",
            "USERAPI_TRUSTED_PROXIES": "127.0.0.1",
        },
    )
    yield server
    stop_server(server)


def stored_nonces(store: Store, nonces: list[str]) -> int:
    digests = [nonce_digest(nonce) for nonce in nonces]
    with store.core.engine.connect() as connection:
        return connection.execute(
            select(func.count()).where(SecurityNonce.digest.in_(digests))
        ).scalar_one()


@pytest.mark.parametrize("version", sorted(ENDPOINTS))
def test_a_blocked_source_writes_no_nonce(
    store: Store, guarded: RunningServer, version: str
) -> None:
    user, password = store.account()
    source = {"X-Forwarded-For": f"203.0.113.{60 + sorted(ENDPOINTS).index(version)}"}

    def call(password: str, nonce: str | None, created: str | None, who: str = user) -> str:
        body = envelope_with_token(version, who, password, nonce, created)
        return send(guarded, version, body, **source)

    for _ in range(ACCOUNT_LIMIT + 1):
        assert call("guess", uuid.uuid4().hex, stamp()) == "INCORRECT_USER_PASSWORD"
    nonces = [uuid.uuid4().hex for _ in range(5)]
    for nonce in nonces:  # the right password, each message fresh
        assert call(password, nonce, stamp()) == "TOO_MANY_ATTEMPTS"
    assert stored_nonces(store, nonces) == 0
    # The block comes before the header's own checks, the documented codes before it.
    assert call(password, uuid.uuid4().hex, "yesterday") == "TOO_MANY_ATTEMPTS"
    assert call(password, uuid.uuid4().hex, None) == "TOO_MANY_ATTEMPTS"
    assert call(password, uuid.uuid4().hex, stamp(), who="") == "MISSING_USER"
    assert call("", uuid.uuid4().hex, stamp()) == "MISSING_PASSWORD"
    # From elsewhere the same account is served, and its nonce is recorded.
    elsewhere = {"X-Forwarded-For": "198.51.100.60"}
    nonce = uuid.uuid4().hex
    body = envelope_with_token(version, user, password, nonce, stamp())
    assert send(guarded, version, body, **elsewhere) == "OK"
    assert stored_nonces(store, [nonce]) == 1
