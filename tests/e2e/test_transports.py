"""One scenario over every transport: the same operations give the same results and codes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import requests
import zeep
import zeep.helpers
from zeep.wsse.username import UsernameToken

from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.http import http_call, outcome
from tests.e2e.soap import code_of, items
from tests.e2e.test_basic_jwt import basic, bearer, token_for
from tests.e2e.test_soap_operations import address_params, stored_address

Call = Callable[..., Any]


def _plain(value: Any) -> Any:
    """zeep objects as plain data; zeep reads an empty string as None."""
    value = zeep.helpers.serialize_object(value, dict)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: "" if v is None else _plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def soap_transport(server: RunningServer, path: str, user: str, password: str, wsse: bool) -> Call:
    client = zeep.Client(
        f"{server.url}{path}?wsdl", wsse=UsernameToken(user, password) if wsse else None
    )
    auth = {} if wsse else {"user": user, "password": password}

    def call(method: str, **params: Any) -> Any:
        operation = getattr(client.service, method)
        try:
            result = operation(**auth, **params)
        except zeep.exceptions.Fault:
            return code_of(operation, **auth, **params)
        if method in ("getaddresses", "getchannels"):
            return _plain(items(result, "address" if method == "getaddresses" else "channel"))
        return None if result is None else _plain(result)

    return call


def json_transport(server: RunningServer, path: str, headers: dict[str, str], auth: dict) -> Call:
    def call(method: str, **params: Any) -> Any:
        result = outcome(http_call(server, method, {**auth, **params}, path=path, headers=headers))
        if isinstance(result, str):
            return result  # an error code
        if method == "getbalance":
            return result["balance"]
        if method == "addaddress":
            return result["idaddress"]
        if "list" in result:
            return result["list"]
        assert result == {}
        return None

    return call


TRANSPORTS = ["soap11", "soap12", "soap11-wsse", "soap12-wsse", "http", "basic", "jwt"]


def transport(name: str, server: RunningServer, user: str, password: str) -> Call:
    if name.startswith("soap"):
        path = "/api/soap12/" if name.startswith("soap12") else "/api/soap/"
        return soap_transport(server, path, user, password, name.endswith("wsse"))
    if name == "http":
        return json_transport(server, "/api/http/", {}, {"user": user, "password": password})
    if name == "basic":
        return json_transport(server, "/api/basic/", basic(user, password), {})
    return json_transport(server, "/api/jwt/", bearer(token_for(server, user, password)), {})


@pytest.mark.parametrize("name", TRANSPORTS)
def test_same_scenario_same_results(store: Store, server: RunningServer, name: str) -> None:
    user, password = store.account("125.50")
    call = transport(name, server, user, password)
    assert call("getbalance") == "125.50"
    idaddress = call("addaddress", **address_params(namelastname="Zoë Ñúñez 東京"))
    assert isinstance(idaddress, int)
    assert call("getaddresses") == [stored_address(idaddress, namelastname="Zoë Ñúñez 東京")]
    assert call("addaddress", **address_params(countrycode="ZZ")) == "COUNTRY_NOT_FOUND"
    assert call("addaddress", **address_params(cityid=3117735)) == "CITY_NOT_FOUND"
    assert call("deleteaddress", idaddress=idaddress + 10_000_000) == "ADDRESS_NOT_FOUND"
    assert call("deleteaddress", idaddress=idaddress) is None
    assert call("getaddresses") == []
    assert call("modifychannel", channelname="email", active=0) is None
    assert call("modifychannel", channelname="fax", active=0) == "CHANNEL_NOT_FOUND"
    assert call("modifychannel", channelname="sms") == "MISSING_COMPULSORY_PARAM"
    assert call("getchannels") == [
        {"channeltype": "sms", "channelname": "sms", "active": 1},
        {"channeltype": "email", "channelname": "email", "active": 0},
        {"channeltype": "voice", "channelname": "voice", "active": 1},
    ]


@pytest.mark.parametrize("name", TRANSPORTS)
def test_wrong_password_on_every_transport(store: Store, server: RunningServer, name: str) -> None:
    user, _ = store.account()
    if name == "jwt":
        response = requests.post(
            f"{server.url}/api/jwt/token", data={"user": user, "password": "wrong"}, timeout=10
        )
        assert outcome(response) == "INCORRECT_USER_PASSWORD"
        return
    assert transport(name, server, user, "wrong")("getbalance") == "INCORRECT_USER_PASSWORD"
