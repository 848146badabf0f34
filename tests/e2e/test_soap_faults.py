"""Every documented and added error code, reached the way a client would."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import zeep

from service.errors import ErrorCode
from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.soap import code_of, envelope, fault_of, fields, items, post, raw_fault
from tests.e2e.test_soap_operations import MADRID, TOKYO, address_params


def test_fault_shape(store: Store, client: zeep.Client, server: RunningServer) -> None:
    user, _ = store.account()
    fault = fault_of(client.service.getbalance, user=user, password="wrong")
    assert fault.code.endswith("Client.INCORRECT_USER_PASSWORD")
    assert fault.message == "Incorrect user or password"
    response = post(server.soap_url, envelope("getbalance", fields(user=user, password="wrong")))
    assert raw_fault(response) == (
        "soap11env:Client.INCORRECT_USER_PASSWORD",
        "Incorrect user or password",
        "INCORRECT_USER_PASSWORD",
    )
    assert response.headers["Content-Type"].startswith("text/xml")


@pytest.mark.parametrize(
    ("credentials", "code"),
    [
        ({}, "MISSING_USER"),
        ({"password": "x"}, "MISSING_USER"),
        ({"user": "", "password": "x"}, "MISSING_USER"),
        ({"user": "someone@example.com"}, "MISSING_PASSWORD"),
        ({"user": "someone@example.com", "password": ""}, "MISSING_PASSWORD"),
        ({"user": "nobody@example.com", "password": "x"}, "INCORRECT_USER_PASSWORD"),
    ],
)
@pytest.mark.parametrize(
    "operation", ["getbalance", "getaddresses", "getchannels", "deleteaddress", "modifychannel"]
)
def test_login_codes_on_every_operation(
    client: zeep.Client, operation: str, credentials: dict[str, str], code: str
) -> None:
    assert code_of(getattr(client.service, operation), **credentials) == code


def test_login_codes_on_addaddress(client: zeep.Client) -> None:
    assert code_of(client.service.addaddress, **address_params()) == "MISSING_USER"
    assert (
        code_of(client.service.addaddress, user="nobody@example.com", password="x")
        == "INCORRECT_USER_PASSWORD"
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"namelastname": None}, "MISSING_COMPULSORY_PARAM"),
        ({"iscompany": None}, "MISSING_COMPULSORY_PARAM"),
        ({"documentid": None}, "MISSING_COMPULSORY_PARAM"),
        ({"countrycode": None}, "MISSING_COMPULSORY_PARAM"),
        ({"cityid": None}, "MISSING_COMPULSORY_PARAM"),
        ({"cityname": None}, "MISSING_COMPULSORY_PARAM"),
        ({"zipcode": None}, "MISSING_COMPULSORY_PARAM"),
        ({"address": None}, "MISSING_COMPULSORY_PARAM"),
        ({"countrycode": ""}, "EMPTY_COUNTRYCODE"),
        ({"countrycode": "zz"}, "COUNTRY_NOT_FOUND"),
        ({"cityid": 0}, "EMPTY_CITY"),
        ({"cityname": ""}, "EMPTY_CITY"),
        ({"cityid": 999_999_999}, "CITY_NOT_FOUND"),
        ({"cityid": MADRID}, "CITY_NOT_FOUND"),  # a city of Spain, country US
        ({"iscompany": 3}, "INCORRECT_PARAM_VALUE"),
        ({"zipcode": "1" * 21}, "PARAM_TOO_LONG"),
    ],
)
def test_addaddress_codes(
    store: Store, client: zeep.Client, changes: dict[str, Any], code: str
) -> None:
    user, password = store.account()
    params = {k: v for k, v in address_params(**changes).items() if v is not None}
    assert code_of(client.service.addaddress, user=user, password=password, **params) == code
    assert items(client.service.getaddresses(user=user, password=password), "address") == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        # What a typed stub cannot send but a hand-written client can.
        ({"cityid": None}, "EMPTY_CITY"),
        ({"iscompany": None}, "MISSING_COMPULSORY_PARAM"),
        ({"iscompany": "abc"}, "INCORRECT_PARAM_VALUE"),
        ({"cityid": "abc"}, "INCORRECT_PARAM_VALUE"),
        ({"countrycode": None}, "EMPTY_COUNTRYCODE"),
        ({"cityid": 99999999999999}, "CITY_NOT_FOUND"),
    ],
)
def test_addaddress_codes_from_raw_xml(
    store: Store, server: RunningServer, changes: dict[str, Any], code: str
) -> None:
    user, password = store.account()
    params = {**address_params(countrycode="JP", cityid=TOKYO), **changes}
    body = fields(user=user, password=password, **params)
    assert raw_fault(post(server.soap_url, envelope("addaddress", body)))[2] == code


def test_password_is_checked_before_parameters(server: RunningServer) -> None:
    body = fields(user="nobody@example.com", password="x", iscompany="abc", cityid=None)
    response = post(server.soap_url, envelope("addaddress", body))
    assert raw_fault(response)[2] == "INCORRECT_USER_PASSWORD"


def test_too_many_addresses(store: Store, tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.e2e.conftest import start_server, stop_server

    limited = start_server(
        store,
        tmp_path_factory.mktemp("limited") / "server.log",
        {"USERAPI_MAX_ADDRESSES": "1"},
        workers=1,
    )
    try:
        client = zeep.Client(f"{limited.soap_url}?wsdl")
        user, password = store.account()
        client.service.addaddress(user=user, password=password, **address_params())
        code = code_of(client.service.addaddress, user=user, password=password, **address_params())
        assert code == "TOO_MANY_ADDRESSES"
    finally:
        assert stop_server(limited) == 0


def test_deleteaddress_codes(store: Store, client: zeep.Client, server: RunningServer) -> None:
    owner, owner_password = store.account()
    user, password = store.account()
    foreign = client.service.addaddress(user=owner, password=owner_password, **address_params())
    delete = client.service.deleteaddress
    assert code_of(delete, user=user, password=password) == "MISSING_COMPULSORY_PARAM"
    assert code_of(delete, user=user, password=password, idaddress=foreign) == "ADDRESS_NOT_FOUND"
    assert code_of(delete, user=user, password=password, idaddress=-3) == "ADDRESS_NOT_FOUND"
    raw = envelope("deleteaddress", fields(user=user, password=password, idaddress="x1"))
    assert raw_fault(post(server.soap_url, raw))[2] == "INCORRECT_PARAM_VALUE"
    still = items(client.service.getaddresses(user=owner, password=owner_password), "address")
    assert [a.id for a in still] == [foreign]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"active": 1}, "MISSING_COMPULSORY_PARAM"),
        ({"channelname": "sms"}, "MISSING_COMPULSORY_PARAM"),
        ({"channelname": "", "active": 1}, "MISSING_COMPULSORY_PARAM"),
        ({"channelname": "fax", "active": 1}, "CHANNEL_NOT_FOUND"),
        ({"channelname": "sms", "active": 2}, "INCORRECT_PARAM_VALUE"),
        ({"channelname": "sms", "active": -1}, "INCORRECT_PARAM_VALUE"),
        ({"channelname": "s" * 65, "active": 1}, "PARAM_TOO_LONG"),
    ],
)
def test_modifychannel_codes(
    store: Store, client: zeep.Client, params: dict[str, Any], code: str
) -> None:
    user, password = store.account()
    assert code_of(client.service.modifychannel, user=user, password=password, **params) == code
    channels = items(client.service.getchannels(user=user, password=password), "channel")
    assert all(c.active == 1 for c in channels)


def test_unknown_operation_is_incorrect_method(server: RunningServer) -> None:
    response = post(server.soap_url, envelope("getpassword", fields(user="a", password="b")))
    assert raw_fault(response) == (
        "soap11env:Client.INCORRECT_METHOD",
        ErrorCode.INCORRECT_METHOD.description,
        "INCORRECT_METHOD",
    )


@pytest.mark.parametrize(
    "payload",
    [b"this is not xml", b"<unclosed>", b"<a/>", envelope("getbalance", "<u:user>")],
)
def test_malformed_requests(server: RunningServer, payload: bytes) -> None:
    response = post(server.soap_url, payload)
    assert raw_fault(response)[2] == "MALFORMED_REQUEST"
    assert "Traceback" not in response.text and "/work" not in response.text


def test_service_still_answers_after_errors(store: Store, client: zeep.Client) -> None:
    user, password = store.account("7.00")
    assert str(client.service.getbalance(user=user, password=password)) == "7.00"


def test_passwords_never_reach_the_log(store: Store, server: RunningServer) -> None:
    user, password = store.account(password="Sekr1t-canary-4711")
    post(server.soap_url, envelope("getbalance", fields(user=user, password=password)))
    post(server.soap_url, envelope("getbalance", fields(user=user, password="Wr0ng-canary-4712")))
    post(server.soap_url, envelope("getbalance", fields(user=user, password="c4n4ry") + "<x"))
    requests.get(f"{server.url}/health", timeout=5)
    log = server.log_text()
    for secret in ("Sekr1t-canary-4711", "Wr0ng-canary-4712", "c4n4ry"):
        assert secret not in log
    assert "Traceback" not in log
