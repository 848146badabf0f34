"""WS-Security UsernameToken on both SOAP endpoints: zeep's, hand-made, replayed, stale."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
import zeep
from zeep.wsse.username import UsernameToken

from service.soap.wsse import PASSWORD_TEXT, WSSE, WSU
from tests.conftest import Store
from tests.e2e.conftest import RunningServer
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


def send(server: RunningServer, version: str, body: bytes) -> str:
    path, _, content_type = ENDPOINTS[version]
    response = requests.post(
        f"{server.url}{path}", data=body, headers={"Content-Type": content_type}, timeout=10
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
    assert call(None, None, tokens=2) == "INVALID_SECURITY_HEADER"
    # The documented codes keep their precedence.
    body = envelope_with_token(version, "", password, uuid.uuid4().hex, "yesterday")
    assert send(server, version, body) == "MISSING_USER"
