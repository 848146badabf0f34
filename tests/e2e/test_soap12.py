"""The same UserService bound to SOAP 1.2 at /api/soap12/, with its own WSDL."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import zeep
from lxml import etree

from service.cli.wsdl import COMMITTED_WSDL_URL
from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.soap import NS, items
from tests.e2e.test_soap_operations import address_params

COMMITTED = Path(__file__).resolve().parents[2] / "wsdl" / "UserService12.wsdl"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"


@pytest.fixture(scope="module")
def client12(server: RunningServer) -> zeep.Client:
    return zeep.Client(f"{server.url}/api/soap12/?wsdl")


def test_served_wsdl_is_the_committed_contract(server: RunningServer) -> None:
    served = requests.get(f"{server.url}/api/soap12/?wsdl", timeout=10).content
    normalised = served.replace(
        f"{server.url}/api/soap12/".encode(), f"{COMMITTED_WSDL_URL}/api/soap12/".encode()
    )
    assert normalised == COMMITTED.read_bytes(), "regenerate: ./dev contract"
    assert b"http://schemas.xmlsoap.org/wsdl/soap12/" in served
    assert b'xmlns:wsdlsoap11="' not in served


def test_operations_over_soap12(store: Store, client12: zeep.Client) -> None:
    user, password = store.account("11.10")
    service = client12.service
    assert str(service.getbalance(user=user, password=password)) == "11.10"
    idaddress = service.addaddress(user=user, password=password, **address_params())
    assert [a.id for a in items(service.getaddresses(user=user, password=password), "address")] == [
        idaddress
    ]
    service.deleteaddress(user=user, password=password, idaddress=idaddress)
    service.modifychannel(user=user, password=password, channelname="voice", active=0)
    channels = items(service.getchannels(user=user, password=password), "channel")
    assert {c.channelname: c.active for c in channels} == {"sms": 1, "email": 1, "voice": 0}


def test_soap12_fault_shape(store: Store, client12: zeep.Client) -> None:
    user, _ = store.account()
    with pytest.raises(zeep.exceptions.Fault) as caught:
        client12.service.getbalance(user=user, password="wrong")
    fault = caught.value
    assert fault.code == "soap12env:Sender"
    assert [q.localname for q in fault.subcodes] == ["INCORRECT_USER_PASSWORD"]
    assert [q.namespace for q in fault.subcodes] == [NS]
    assert fault.message == "Incorrect user or password"
    assert fault.detail.findtext(f"{{{NS}}}UserServiceFault/{{{NS}}}code") == (
        "INCORRECT_USER_PASSWORD"
    )


def post12(server: RunningServer, body: bytes) -> requests.Response:
    return requests.post(
        f"{server.url}/api/soap12/",
        data=body,
        headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        timeout=10,
    )


def code12(response: requests.Response) -> tuple[int, str | None]:
    root = etree.fromstring(response.content)
    subcode = root.findtext(f".//{{{SOAP12}}}Subcode/{{{SOAP12}}}Value")
    return response.status_code, subcode


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", (400, "tns:MALFORMED_REQUEST")),
        (b"<x/>", (400, "tns:MALFORMED_REQUEST")),
        (b'<!DOCTYPE x [<!ENTITY e "a">]><x>&e;</x>', (400, "tns:MALFORMED_REQUEST")),
        (
            b'<s:Envelope xmlns:s="'
            + SOAP12.encode()
            + b'"><s:Body><u:getbalance xmlns:u="'
            + NS.encode()
            + b'"/></s:Body></s:Envelope>',
            (400, "tns:MISSING_USER"),
        ),
        (
            b'<s:Envelope xmlns:s="'
            + SOAP12.encode()
            + b'"><s:Body><u:nosuch xmlns:u="'
            + NS.encode()
            + b'"/></s:Body></s:Envelope>',
            (400, "tns:INCORRECT_METHOD"),
        ),
    ],
)
def test_soap12_errors(server: RunningServer, body: bytes, expected: tuple[int, str]) -> None:
    response = post12(server, body)
    assert response.headers["Content-Type"].startswith("application/soap+xml")
    assert code12(response) == expected


def test_soap12_body_limits(server: RunningServer) -> None:
    response = post12(server, b"<a>" + b"x" * 70_000 + b"</a>")
    assert code12(response) == (413, "tns:REQUEST_TOO_LARGE")
