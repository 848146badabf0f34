"""The Afilnet-style HTTP API: every operation and every reachable code, GET and POST."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.http import http_call, outcome
from tests.e2e.test_soap_operations import MADRID, address_params, stored_address


@pytest.mark.parametrize("how", ["get", "form", "multipart"])
def test_every_operation(store: Store, server: RunningServer, how: str) -> None:
    user, password = store.account("125.50")
    auth = {"user": user, "password": password}

    def call(method: str, **params: Any) -> Any:
        return outcome(http_call(server, method, {**auth, **params}, how=how))

    assert call("getbalance") == {"balance": "125.50"}
    created = call("addaddress", **address_params(namelastname="Zoë Ñúñez 東京"))
    idaddress = created["idaddress"]
    assert isinstance(idaddress, int)
    assert call("getaddresses") == {
        "list": [stored_address(idaddress, namelastname="Zoë Ñúñez 東京")]
    }
    assert call("deleteaddress", idaddress=idaddress) == {}
    assert call("getaddresses") == {"list": []}
    assert call("modifychannel", channelname="sms", active=0) == {}
    assert call("getchannels") == {
        "list": [
            {"channeltype": "sms", "channelname": "sms", "active": 0},
            {"channeltype": "email", "channelname": "email", "active": 1},
            {"channeltype": "voice", "channelname": "voice", "active": 1},
        ]
    }


def test_afilnet_style_url(store: Store, server: RunningServer) -> None:
    user, password = store.account("3.10")
    url = f"{server.url}/api/http/?class=user&method=getbalance&user={user}&password={password}"
    assert requests.get(url, timeout=10).json() == {
        "status": "SUCCESS",
        "result": {"balance": "3.10"},
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"class": None, "method": "getbalance"}, "MISSING_CLASS"),
        ({"class": "", "method": "getbalance"}, "MISSING_CLASS"),
        ({"class": "sms", "method": "getbalance"}, "INCORRECT_CLASS"),
        ({"class": "sms", "method": None}, "INCORRECT_CLASS"),
        ({"method": None}, "MISSING_METHOD"),
        ({"method": "sendsms"}, "INCORRECT_METHOD"),
        ({"method": "issuetoken"}, "INCORRECT_METHOD"),
    ],
)
def test_class_and_method_come_first(
    server: RunningServer, params: dict[str, Any], code: str
) -> None:
    fields = {"class": "user", "method": "getbalance", **params}
    fields = {k: v for k, v in fields.items() if v is not None}
    # No credentials at all: the transport-level codes win.
    assert outcome(requests.get(f"{server.url}/api/http/", params=fields, timeout=10)) == code


@pytest.mark.parametrize(
    ("credentials", "code"),
    [
        ({}, "MISSING_USER"),
        ({"user": "", "password": "x"}, "MISSING_USER"),
        ({"user": "a@example.com"}, "MISSING_PASSWORD"),
        ({"user": "a@example.com", "password": ""}, "MISSING_PASSWORD"),
        ({"user": "nobody@example.com", "password": "x"}, "INCORRECT_USER_PASSWORD"),
    ],
)
def test_login_codes(server: RunningServer, credentials: dict[str, str], code: str) -> None:
    assert outcome(http_call(server, "getbalance", credentials)) == code


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"namelastname": None}, "MISSING_COMPULSORY_PARAM"),
        ({"countrycode": None}, "MISSING_COMPULSORY_PARAM"),
        ({"countrycode": ""}, "EMPTY_COUNTRYCODE"),
        ({"countrycode": "XX"}, "COUNTRY_NOT_FOUND"),
        ({"cityid": ""}, "EMPTY_CITY"),
        ({"cityid": "0"}, "EMPTY_CITY"),
        ({"cityname": ""}, "EMPTY_CITY"),
        ({"cityid": MADRID}, "CITY_NOT_FOUND"),
        ({"cityid": "12x"}, "INCORRECT_PARAM_VALUE"),
        ({"iscompany": "2"}, "INCORRECT_PARAM_VALUE"),
        ({"address": "x" * 501}, "PARAM_TOO_LONG"),
    ],
)
def test_addaddress_codes(
    store: Store, server: RunningServer, changes: dict[str, Any], code: str
) -> None:
    user, password = store.account()
    params = {"user": user, "password": password, **address_params(**changes)}
    params = {k: v for k, v in params.items() if k not in changes or changes[k] is not None}
    assert outcome(http_call(server, "addaddress", params, how="form")) == code


def test_other_method_codes(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    auth = {"user": user, "password": password}
    assert outcome(http_call(server, "deleteaddress", auth)) == "MISSING_COMPULSORY_PARAM"
    assert outcome(http_call(server, "deleteaddress", {**auth, "idaddress": "9999999"})) == (
        "ADDRESS_NOT_FOUND"
    )
    assert outcome(http_call(server, "deleteaddress", {**auth, "idaddress": "x"})) == (
        "INCORRECT_PARAM_VALUE"
    )
    params = {**auth, "channelname": "fax", "active": "1"}
    assert outcome(http_call(server, "modifychannel", params)) == "CHANNEL_NOT_FOUND"
    params = {**auth, "channelname": "sms", "active": "yes"}
    assert outcome(http_call(server, "modifychannel", params)) == "INCORRECT_PARAM_VALUE"


def test_malformed_requests(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    base = f"{server.url}/api/http/"
    query = f"class=user&method=getbalance&user={user}&password={password}"

    def error(response: requests.Response) -> str:
        return outcome(response)

    # A parameter given twice (query and body alike): ambiguous, refused.
    assert error(requests.get(f"{base}?{query}&user=other", timeout=10)) == "MALFORMED_REQUEST"
    assert error(requests.post(f"{base}?{query}", data={"user": user}, timeout=10)) == (
        "MALFORMED_REQUEST"
    )
    # Not UTF-8.
    assert error(requests.get(f"{base}?{query}&namelastname=%FF%FE", timeout=10)) == (
        "MALFORMED_REQUEST"
    )
    # A body that is not a form.
    response = requests.post(
        f"{base}?{query}", data=b'{"a": 1}', headers={"Content-Type": "application/json"}
    )
    assert error(response) == "MALFORMED_REQUEST"
    # A file upload.
    files: dict[str, tuple[str | None, str | bytes] | tuple[str, bytes, str]] = {
        "class": (None, "user"),
        "f": ("a.txt", b"data", "text/plain"),
    }
    assert error(requests.post(base, files=files, timeout=10)) == "MALFORMED_REQUEST"
    # Other verbs.
    response = requests.put(f"{base}?{query}", timeout=10)
    assert response.status_code == 405 and response.json()["error"] == "MALFORMED_REQUEST"
    # Too large.
    response = requests.post(base, data={"address": "x" * 100_000}, timeout=10)
    assert response.status_code == 413 and response.json()["error"] == "REQUEST_TOO_LARGE"
    # Still fine afterwards.
    assert outcome(requests.get(f"{base}?{query}", timeout=10)) == {"balance": "0.00"}


def test_password_in_the_url_never_reaches_the_log(store: Store, server: RunningServer) -> None:
    user, password = store.account(password="Url-canary-55aa")
    http_call(server, "getbalance", {"user": user, "password": password})
    http_call(server, "getbalance", {"user": user, "password": "Url-canary-wrong"})
    http_call(server, "nosuch", {"user": user, "password": password})
    text = server.log_text()
    assert "Url-canary" not in text
