"""The published WSDL: the committed contract, its address, and what stubs need."""

from __future__ import annotations

import re
from pathlib import Path

import requests
from lxml import etree

from service.cli.wsdl import COMMITTED_WSDL_URL
from tests.e2e.conftest import RunningServer

COMMITTED = Path(__file__).resolve().parents[2] / "wsdl" / "UserService.wsdl"
XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"


def fetch(server: RunningServer, **headers: str) -> bytes:
    response = requests.get(f"{server.soap_url}?wsdl", headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    return response.content


def one(parent: etree._Element, path: str) -> etree._Element:
    """The first element at ``path`` under ``parent``; fails the test if there is none."""
    found = parent.find(path)
    assert found is not None, f"no {path}"
    return found


def address_of(document: bytes) -> str:
    location = one(etree.fromstring(document), f".//{{{SOAP11_BINDING}}}address").get("location")
    assert location is not None
    return location


def test_served_wsdl_is_the_committed_contract(server: RunningServer) -> None:
    served = fetch(server)
    normalised = served.replace(
        server.soap_url.encode(), f"{COMMITTED_WSDL_URL}/api/soap/".encode()
    )
    assert normalised == COMMITTED.read_bytes(), (
        "The served WSDL differs from wsdl/UserService.wsdl. If the change is intended, "
        "regenerate it: ./dev contract"
    )
    assert fetch(server) == served


def test_address_is_the_one_the_client_used(server: RunningServer) -> None:
    assert address_of(fetch(server)) == server.soap_url
    named = fetch(server, Host="soap.example.com:8443")
    assert address_of(named) == "http://soap.example.com:8443/api/soap/"


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(server: RunningServer) -> None:
    document = fetch(server, **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert address_of(document) == server.soap_url


def test_wsdl_is_soap11_only_and_ws_i_shaped(server: RunningServer) -> None:
    document = fetch(server)
    text = document.decode()
    assert "soap12" not in text and "http://schemas.xmlsoap.org/wsdl/soap12/" not in text
    root = etree.fromstring(document)
    binding = one(root, f"{{{WSDL}}}binding/{{{SOAP11_BINDING}}}binding")
    assert binding.get("style") == "document"
    assert binding.get("transport") == "http://schemas.xmlsoap.org/soap/http"
    schema = one(root, f"{{{WSDL}}}types/{{{XS}}}schema")
    assert schema.get("elementFormDefault") == "qualified"
    operations = root.findall(f"{{{WSDL}}}portType/{{{WSDL}}}operation")
    assert [o.get("name") for o in operations] == [
        "getbalance",
        "addaddress",
        "deleteaddress",
        "getaddresses",
        "getchannels",
        "modifychannel",
    ]
    for operation in operations:
        faults = operation.findall(f"{{{WSDL}}}fault")
        assert [f.get("message") for f in faults] == ["tns:UserServiceFault"]
        documentation = operation.findtext(f"{{{WSDL}}}documentation", default="")
        assert "Compulsory: user, password" in documentation
    # Request parameters: optional, never nillable; ids and flags are xs:int.
    request = one(schema, f"{{{XS}}}complexType[@name='addaddress']")
    for element in request.iter(f"{{{XS}}}element"):
        assert element.get("minOccurs") == "0" and element.get("nillable") is None
    types = {e.get("name"): e.get("type") for e in request.iter(f"{{{XS}}}element")}
    assert types["iscompany"] == types["cityid"] == "xs:int"
    assert types["namelastname"] == "tns:namelastnameText"
    balance = one(schema, f"{{{XS}}}complexType[@name='getbalanceResponse']//{{{XS}}}element")
    assert balance.get("type") == "xs:decimal"


def test_schema_compiles_and_describes_real_responses(server: RunningServer) -> None:
    root = etree.fromstring(fetch(server))
    # Lifted out as a generator would, with the namespaces in scope.
    embedded = etree.tostring(one(root, f"{{{WSDL}}}types/{{{XS}}}schema"))
    schema = etree.XMLSchema(etree.fromstring(embedded))
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:u="urn:usermanagement:user:v1"><s:Body><u:getchannels><u:user>x@y.z</u:user>'
        "<u:password>p</u:password></u:getchannels></s:Body></s:Envelope>"
    )
    response = requests.post(
        server.soap_url, data=body, headers={"Content-Type": "text/xml"}, timeout=10
    )
    fault = one(etree.fromstring(response.content), ".//detail")[0]
    schema.assertValid(fault)


def test_get_without_wsdl_is_not_allowed(server: RunningServer) -> None:
    response = requests.get(server.soap_url, timeout=10)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert requests.get(f"{server.url}/nowhere", timeout=10).status_code == 404


def test_wsdl_declares_every_text_limit(server: RunningServer) -> None:
    from service.contract import MAX_LENGTH

    text = fetch(server).decode()
    for name, length in MAX_LENGTH.items():
        pattern = rf'<xs:simpleType name="{name}Text">\s*<xs:restriction base="xs:string">'
        pattern += rf'\s*<xs:maxLength value="{length}"/>'
        assert re.search(pattern, text), name
