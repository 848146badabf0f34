"""HTTP Basic and JWT bearer transports, including attacks on tokens."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import requests

from service.auth.tokens import AUDIENCE, ISSUER
from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.http import http_call, outcome


def basic(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def token_for(server: RunningServer, user: str, password: str) -> str:
    response = requests.post(
        f"{server.url}/api/jwt/token", data={"user": user, "password": password}, timeout=10
    )
    result = outcome(response)
    assert result["tokentype"] == "Bearer" and result["expiresin"] == 900
    return result["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def on(server: RunningServer, path: str, method: str, headers: dict[str, str], **params: Any):
    return http_call(server, method, params, path=path, headers=headers)


def test_basic_answers_like_the_http_api(store: Store, server: RunningServer) -> None:
    user, password = store.account("8.00")
    response = on(server, "/api/basic/", "getbalance", basic(user, password))
    assert outcome(response) == {"balance": "8.00"}
    # The header decides; user/password parameters are not looked at.
    response = on(server, "/api/basic/", "getbalance", basic(user, password), password="x")
    assert outcome(response) == {"balance": "8.00"}


def test_basic_without_credentials_is_challenged(server: RunningServer) -> None:
    response = requests.get(f"{server.url}/api/basic/?class=user&method=getbalance", timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="User Management API"')
    assert response.json() == {"status": "ERROR", "error": "MISSING_USER"}


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (basic("nobody@example.com", "x"), "INCORRECT_USER_PASSWORD"),
        (basic("", "x"), "MISSING_USER"),
        (basic("a@example.com", ""), "MISSING_PASSWORD"),
        ({"Authorization": "Basic !!!not-base64"}, "MALFORMED_REQUEST"),
        ({"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}, "MALFORMED_REQUEST"),
        ({"Authorization": "Bearer abc"}, "MALFORMED_REQUEST"),
    ],
)
def test_basic_codes(server: RunningServer, header: dict[str, str], code: str) -> None:
    assert outcome(on(server, "/api/basic/", "getbalance", header)) == code


def test_jwt_round_trip(store: Store, server: RunningServer) -> None:
    user, password = store.account("9.50")
    token = token_for(server, user, password)
    assert outcome(on(server, "/api/jwt/", "getbalance", bearer(token))) == {"balance": "9.50"}
    channels = outcome(on(server, "/api/jwt/", "getchannels", bearer(token)))
    assert [c["channelname"] for c in channels["list"]] == ["sms", "email", "voice"]


def test_jwt_without_a_token_is_challenged(server: RunningServer) -> None:
    response = requests.get(f"{server.url}/api/jwt/?class=user&method=getbalance", timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="User Management API"')
    assert response.json() == {"status": "ERROR", "error": "MISSING_TOKEN"}
    assert outcome(on(server, "/api/jwt/", "getbalance", {"Authorization": "Bearer "})) == (
        "MISSING_TOKEN"
    )


def test_token_endpoint_codes(store: Store, server: RunningServer) -> None:
    url = f"{server.url}/api/jwt/token"
    assert outcome(requests.post(url, data={}, timeout=10)) == "MISSING_USER"
    assert outcome(requests.post(url, data={"user": "a@example.com"}, timeout=10)) == (
        "MISSING_PASSWORD"
    )
    wrong = requests.post(url, data={"user": "nobody@example.com", "password": "x"}, timeout=10)
    assert outcome(wrong) == "INCORRECT_USER_PASSWORD"
    refused = requests.get(url, timeout=10)
    assert refused.status_code == 405 and refused.json()["error"] == "MALFORMED_REQUEST"


def signing_key(store: Store) -> str:
    with store.core.units.writing() as uow:
        key = uow.security.shared_secret("token-signing-key", "never-stored: one exists")
        uow.commit()
    return key


def claims(user: str, fingerprint: str, **changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "pwd": fingerprint,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_token_attacks(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    genuine = token_for(server, user, password)
    key = signing_key(store)
    fingerprint = jwt.decode(genuine, key, algorithms=["HS256"], audience=AUDIENCE)["pwd"]
    past = datetime.now(UTC) - timedelta(hours=1)
    header, payload, signature = genuine.split(".")
    forged_payload = (
        base64.urlsafe_b64encode(
            base64.urlsafe_b64decode(payload + "==").replace(user.encode(), b"admin@example.com")
        )
        .decode()
        .rstrip("=")
    )
    cases = {
        "expired": (
            jwt.encode(claims(user, fingerprint, exp=past, iat=past), key),
            "EXPIRED_TOKEN",
        ),
        "tampered": (f"{header}.{forged_payload}.{signature}", "INVALID_TOKEN"),
        "alg-none": (
            jwt.encode(claims(user, fingerprint), None, algorithm="none"),
            "INVALID_TOKEN",
        ),
        "wrong-key": (jwt.encode(claims(user, fingerprint), "k" * 40), "INVALID_TOKEN"),
        "hs512": (jwt.encode(claims(user, fingerprint), key, algorithm="HS512"), "INVALID_TOKEN"),
        "audience": (jwt.encode(claims(user, fingerprint, aud="other"), key), "INVALID_TOKEN"),
        "issuer": (jwt.encode(claims(user, fingerprint, iss="other"), key), "INVALID_TOKEN"),
        "no-exp": (jwt.encode(claims(user, fingerprint, exp=None), key), "INVALID_TOKEN"),
        "other-password": (
            jwt.encode(claims(user, "AAAAAAAAAAAAAAAAAAAAAA"), key),
            "INVALID_TOKEN",
        ),
        "garbage": ("not.a.token", "INVALID_TOKEN"),
        "huge": ("a" * 5000, "INVALID_TOKEN"),
    }
    for name, (token, code) in cases.items():
        assert outcome(on(server, "/api/jwt/", "getbalance", bearer(token))) == code, name
    assert outcome(on(server, "/api/jwt/", "getbalance", bearer(genuine))) == {"balance": "0.00"}


def test_password_change_invalidates_tokens(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    token = token_for(server, user, password)
    with store.core.units.writing() as uow:
        uow.accounts.set_password_hash(user, store.core.passwords.hash("changed-password-1"))
        uow.commit()
    assert outcome(on(server, "/api/jwt/", "getbalance", bearer(token))) == "INVALID_TOKEN"
    fresh = token_for(server, user, "changed-password-1")
    assert outcome(on(server, "/api/jwt/", "getbalance", bearer(fresh))) == {"balance": "0.00"}
