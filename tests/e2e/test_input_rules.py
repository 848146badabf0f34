"""DESIGN §1 "Input rules", reached the way hostile or careless clients reach them.

Characters XML cannot carry, digits of other scripts, ids of any length, a
parameter given twice, the JWT API's challenge, declared charsets, and answers
that cannot be written: each over the transports a client would use.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from lxml import etree

from service.domain.address import NewAddress
from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.http import http_call, outcome
from tests.e2e.soap import NS, SOAP_ENV, envelope, fields, post, raw_fault
from tests.e2e.test_api_log import logged
from tests.e2e.test_soap12 import post12
from tests.e2e.test_soap_operations import NEW_YORK, address_params

SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
# Characters XML 1.0 cannot carry (NUL, ESC, VT, U+FFFE) and a harmless neighbour (TAB).
UNSAFE = ["\x00", "\x1b[31m", "\x0b", "\ufffe"]


def soap_code(response: requests.Response) -> str | None:
    """The catalogue code of a SOAP 1.1 fault answer."""
    return raw_fault(response)[2]


def soap12_code(response: requests.Response) -> tuple[int, str | None, str | None]:
    """(HTTP status, Code/Value, detail code) of a SOAP 1.2 fault answer."""
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAP12_ENV}}}Body/{{{SOAP12_ENV}}}Fault")
    assert fault is not None, response.text
    return (
        response.status_code,
        fault.findtext(f"{{{SOAP12_ENV}}}Code/{{{SOAP12_ENV}}}Value"),
        fault.findtext(f"{{{SOAP12_ENV}}}Detail/{{{NS}}}UserServiceFault/{{{NS}}}code"),
    )


def envelope12(operation: str, body: str, header: str = "") -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP12_ENV}" xmlns:u="{NS}">{header}<s:Body>'
        f"<u:{operation}>{body}</u:{operation}></s:Body></s:Envelope>"
    ).encode()


def with_header(operation: str, body: str, header: str) -> bytes:
    """A SOAP 1.1 envelope with a Header holding ``header``."""
    return envelope(operation, body).replace(
        b"<s:Body>", f"<s:Header>{header}</s:Header><s:Body>".encode()
    )


def addresses_of(server: RunningServer, user: str, password: str) -> list[Any]:
    return outcome(http_call(server, "getaddresses", {"user": user, "password": password}))["list"]


# Characters XML cannot carry -----------------------------------------------------------


@pytest.mark.parametrize("how", ["get", "form", "multipart"])
@pytest.mark.parametrize("unsafe", UNSAFE, ids=["nul", "esc", "vt", "fffe"])
def test_unsafe_characters_are_refused_at_input(
    store: Store, server: RunningServer, how: str, unsafe: str
) -> None:
    user, password = store.account()
    credentials = {"user": user, "password": password}
    for name in ("namelastname", "companyname", "address", "cityname"):
        params = address_params(**{name: f"a{unsafe}b"})
        reply = http_call(server, "addaddress", {**credentials, **params}, how=how)
        assert outcome(reply) == "INCORRECT_PARAM_VALUE", name
    params = {**credentials, "channelname": f"sms{unsafe}", "active": 0}
    assert outcome(http_call(server, "modifychannel", params, how=how)) == "INCORRECT_PARAM_VALUE"
    # Nothing was stored, and every transport still answers this account.
    assert addresses_of(server, user, password) == []
    answer = post(server.soap_url, envelope("getaddresses", fields(user=user, password=password)))
    assert answer.status_code == 200, answer.text
    answer = post12(server, envelope12("getchannels", fields(user=user, password=password)))
    assert answer.status_code == 200, answer.text


def test_tab_and_newline_are_text(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    params = address_params(address="Line 1\nLine 2\tflat 3")
    reply = http_call(server, "addaddress", {"user": user, "password": password, **params})
    assert "idaddress" in outcome(reply)
    answer = post(server.soap_url, envelope("getaddresses", fields(user=user, password=password)))
    assert answer.status_code == 200 and b"Line 1\nLine 2\tflat 3" in answer.content


def test_a_character_reference_soap_cannot_carry_is_malformed(server: RunningServer) -> None:
    body = fields(user="a@example.com", password="x", namelastname="a&#x1b;b")
    assert soap_code(post(server.soap_url, envelope("addaddress", body))) == "MALFORMED_REQUEST"


@pytest.fixture()
def poisoned(store: Store) -> tuple[str, str]:
    """An account holding an address that no XML answer can carry (stored behind the rules)."""
    user, password = store.account()
    with store.core.units.writing() as uow:
        account = uow.reads.account_by_email(user)
        assert account is not None
        idaddress = uow.addresses.add(
            account.id,
            NewAddress(
                namelastname="a\x1bb",
                iscompany=0,
                companyname="",
                documentid="1",
                countrycode="US",
                cityid=NEW_YORK,
                cityname="New York",
                zipcode="1",
                address="x",
            ),
        )
        assert idaddress
        uow.commit()
    return user, password


def test_an_answer_that_cannot_be_written_is_a_coded_fault(
    server: RunningServer, poisoned: tuple[str, str]
) -> None:
    user, password = poisoned
    call = fields(user=user, password=password)
    answers = [
        post(server.soap_url, envelope("getaddresses", call)),  # the plain shape
        post(server.soap_url, with_header("getaddresses", call, "")),  # any other shape
    ]
    for answer in answers:
        assert answer.headers["Content-Type"].startswith("text/xml"), answer.text
        assert raw_fault(answer)[0] == "soap11env:Server.INTERNAL_ERROR"
    for payload in (
        envelope12("getaddresses", call),
        envelope12("getaddresses", call, "<s:Header/>"),
    ):
        assert soap12_code(post12(server, payload)) == (
            500,
            "soap12env:Receiver",
            "INTERNAL_ERROR",
        )
    # JSON can carry the character (escaped): that answer is whole.
    assert addresses_of(server, user, password)[0]["namelastname"] == "a\x1bb"


def test_caller_supplied_values_never_stop_the_api_log(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    agent = f"input-rules-{uuid.uuid4().hex}"
    headers = {"User-Agent": agent}
    hostile = [
        {"class": "c" * 40, "method": "getbalance"},
        {"class": "user", "method": "\x00"},
        {"class": "user", "method": "m" * 100, "user": "\x00" * 300},
        {"class": "user\ud800"[:4], "method": "getbalance", "x\x00y": "\x00"},
    ]
    for params in hostile:
        requests.get(f"{server.url}/api/http/", params=params, headers=headers, timeout=10)
    for _ in range(3):
        reply = http_call(
            server, "getbalance", {"user": user, "password": password}, headers=headers
        )
        assert "balance" in outcome(reply)
    records = logged(store, agent, len(hostile) + 3)
    assert len(records) == len(hostile) + 3
    assert [r["status"] for r in records[-3:]] == ["SUCCESS"] * 3
    first = records[0]
    assert first["api_class"] == "c" * 32
    assert records[1]["method"] == "\ufffd"


def test_unknown_parameter_values_are_never_logged(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    agent = f"input-rules-{uuid.uuid4().hex}"
    secret = f"Canary-{uuid.uuid4().hex}"
    params = {"user": user, "password": password, "pwd": secret, "apikey": secret, "pin": secret}
    http_call(server, "getbalance", params, headers={"User-Agent": agent})
    body = fields(user=user, password=password) + f"<u:pass>{secret}</u:pass>"
    post(server.soap_url, envelope("getbalance", body), **{"User-Agent": agent})
    records = logged(store, agent, 2)
    assert len(records) == 2
    for record in records:
        assert secret not in str(record)
        assert record["parameters"]["user"] == user
        assert record["parameters"]["password"] == "[redacted]"
    assert records[0]["parameters"]["pwd"] == "[redacted]"
    assert records[1]["parameters"]["pass"] == "[redacted]"


# Integers ------------------------------------------------------------------------------


FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))
# Ways a number is written that int() or str.isdigit() would take, or a careless client sends.
NOT_NUMBERS = {
    "fullwidth": lambda n: n.translate(FULLWIDTH),
    "arabic-indic": lambda n: n.translate(ARABIC_INDIC),
    "underscore": lambda n: f"{n[0]}_{n[1:]}",
    "exponent": lambda n: f"{n}e0",
    "hexadecimal": lambda n: hex(int(n)),
    "decimal point": lambda n: f"{n}.0",
    "no-break space": lambda n: f"\u00a0{n}",
}


@pytest.mark.parametrize("form", NOT_NUMBERS)
def test_only_ascii_digits_are_numbers(store: Store, server: RunningServer, form: str) -> None:
    user, password = store.account()
    written = NOT_NUMBERS[form]
    credentials = fields(user=user, password=password)
    idaddress = written("15")
    payload = envelope("deleteaddress", credentials + f"<u:idaddress>{idaddress}</u:idaddress>")
    assert soap_code(post(server.soap_url, payload)) == "INCORRECT_PARAM_VALUE"
    reply = http_call(
        server, "deleteaddress", {"user": user, "password": password, "idaddress": idaddress}
    )
    assert outcome(reply) == "INCORRECT_PARAM_VALUE"
    # A real city's id written so creates nothing, over SOAP or HTTP.
    params = address_params(cityid=written(str(NEW_YORK)))
    body = credentials + fields(**params)
    assert soap_code(post(server.soap_url, envelope("addaddress", body))) == (
        "INCORRECT_PARAM_VALUE"
    )
    reply = http_call(server, "addaddress", {"user": user, "password": password, **params})
    assert outcome(reply) == "INCORRECT_PARAM_VALUE"
    assert addresses_of(server, user, password) == []


def test_xml_white_space_around_a_soap_integer(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    credentials = fields(user=user, password=password)
    body = credentials + fields(**address_params(cityid=f"\n\t {NEW_YORK} \r\n"))
    answer = post(server.soap_url, envelope("addaddress", body))
    assert answer.status_code == 200, answer.text
    idaddress = etree.fromstring(answer.content).findtext(f".//{{{NS}}}idaddress")
    payload = envelope("deleteaddress", credentials + f"<u:idaddress> {idaddress} </u:idaddress>")
    assert post(server.soap_url, payload).status_code == 200
    assert addresses_of(server, user, password) == []


@pytest.mark.parametrize("digits", [10, 19, 20, 400, 5000])
def test_ids_of_any_length_are_not_found(store: Store, server: RunningServer, digits: int) -> None:
    user, password = store.account()
    credentials = fields(user=user, password=password)
    for number in ("9" * digits, "-" + "9" * digits, "+" + "0" * digits + "1" * digits):
        payload = envelope("deleteaddress", credentials + f"<u:idaddress>{number}</u:idaddress>")
        assert soap_code(post(server.soap_url, payload)) == "ADDRESS_NOT_FOUND", number[:30]
        reply = http_call(
            server,
            "deleteaddress",
            {"user": user, "password": password, "idaddress": number},
            how="form",
        )
        assert outcome(reply) == "ADDRESS_NOT_FOUND"
        params = address_params(cityid=number)
        body = credentials + fields(**params)
        assert soap_code(post(server.soap_url, envelope("addaddress", body))) == "CITY_NOT_FOUND"
        reply = http_call(
            server, "addaddress", {"user": user, "password": password, **params}, how="form"
        )
        assert outcome(reply) == "CITY_NOT_FOUND"


# A parameter given twice ---------------------------------------------------------------


def test_a_soap_parameter_given_twice_is_malformed(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    other, _ = store.account()
    twice = f"<u:user>{other}</u:user>" + fields(user=user, password=password)
    assert soap_code(post(server.soap_url, envelope("getbalance", twice))) == "MALFORMED_REQUEST"
    assert soap12_code(post12(server, envelope12("getbalance", twice))) == (
        400,
        "soap12env:Sender",
        "MALFORMED_REQUEST",
    )
    body = fields(user=user, password=password) + "<u:idaddress>1</u:idaddress>" * 2
    assert soap_code(post(server.soap_url, envelope("deleteaddress", body))) == "MALFORMED_REQUEST"
    # Parameters are read by local name: the same name in another namespace (or none) is
    # the same parameter again.
    for other_user in (
        f"<user>{other}</user>",
        f'<x:user xmlns:x="urn:example:x">{other}</x:user>',
    ):
        body = other_user + fields(user=user, password=password)
        assert soap_code(post(server.soap_url, envelope("getbalance", body))) == "MALFORMED_REQUEST"
    reply = requests.get(
        f"{server.url}/api/http/?class=user&method=getbalance&user={user}&user={other}"
        f"&password={password}",
        timeout=10,
    )
    assert outcome(reply) == "MALFORMED_REQUEST"


# The SOAP envelope -----------------------------------------------------------------------

FOREIGN = '<x:Tx xmlns:x="urn:example:tx" {attributes}>1</x:Tx>'


def test_a_header_block_that_must_be_understood(store: Store, server: RunningServer) -> None:
    user, password = store.account("3.00")
    call = fields(user=user, password=password)
    answer = post(
        server.soap_url,
        with_header("getbalance", call, FOREIGN.format(attributes='s:mustUnderstand="1"')),
    )
    assert raw_fault(answer)[0] == "soap11env:MustUnderstand"
    assert raw_fault(answer)[2] == "MUST_UNDERSTAND"
    # Not marked, marked 0, or for another actor: ignored, as SOAP 1.1 §4.2 says.
    for attributes in (
        "",
        's:mustUnderstand="0"',
        's:mustUnderstand="1" s:actor="urn:example:someone-else"',
    ):
        answer = post(
            server.soap_url, with_header("getbalance", call, FOREIGN.format(attributes=attributes))
        )
        assert answer.status_code == 200, (attributes, answer.text)
    # WS-Security is processed, so it may be marked.
    wsse = (
        '<w:Security xmlns:w="http://docs.oasis-open.org/wss/2004/01/'
        'oasis-200401-wss-wssecurity-secext-1.0.xsd" s:mustUnderstand="1"><w:UsernameToken>'
        f"<w:Username>{user}</w:Username><w:Password>{password}</w:Password>"
        "</w:UsernameToken></w:Security>"
    )
    assert post(server.soap_url, with_header("getbalance", "", wsse)).status_code == 200


def test_a_soap12_header_block_that_must_be_understood(store: Store, server: RunningServer) -> None:
    user, password = store.account("3.00")
    call = fields(user=user, password=password)
    marked = FOREIGN.format(attributes='s:mustUnderstand="true"')
    answer = post12(server, envelope12("getbalance", call, f"<s:Header>{marked}</s:Header>"))
    assert soap12_code(answer) == (500, "soap12env:MustUnderstand", "MUST_UNDERSTAND")
    root = etree.fromstring(answer.content)
    block = root.find(f"{{{SOAP12_ENV}}}Header/{{{SOAP12_ENV}}}NotUnderstood")
    assert block is not None
    qname = block.get("qname")
    assert qname is not None
    prefix, _, local = qname.partition(":")
    assert (block.nsmap[prefix], local) == ("urn:example:tx", "Tx")
    none = FOREIGN.format(attributes=f's:mustUnderstand="true" s:role="{SOAP12_ENV}/role/none"')
    answer = post12(server, envelope12("getbalance", call, f"<s:Header>{none}</s:Header>"))
    assert answer.status_code == 200, answer.text


def test_an_envelope_of_the_other_soap_version(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    call = fields(user=user, password=password)
    # SOAP 1.2 at the SOAP 1.1 endpoint, and SOAP 1.1 at the SOAP 1.2 endpoint (SOAP 1.2
    # appendix A): a SOAP 1.1 VersionMismatch fault naming the version the endpoint speaks.
    for answer, speaks in (
        (post(server.soap_url, envelope12("getbalance", call)), SOAP_ENV),
        (post12(server, envelope("getbalance", call)), SOAP12_ENV),
    ):
        assert answer.headers["Content-Type"].startswith("text/xml")
        assert raw_fault(answer)[0] == "soap11env:VersionMismatch"
        assert raw_fault(answer)[2] == "VERSION_MISMATCH"
        supported = etree.fromstring(answer.content).find(
            f"{{{SOAP_ENV}}}Header/{{{SOAP12_ENV}}}Upgrade/{{{SOAP12_ENV}}}SupportedEnvelope"
        )
        assert supported is not None
        qname = supported.get("qname")
        assert qname is not None
        prefix, _, local = qname.partition(":")
        assert (supported.nsmap[prefix], local) == (speaks, "Envelope")


# The JSON transports -----------------------------------------------------------------------


def test_a_jwt_call_without_a_bearer_token_is_challenged(server: RunningServer) -> None:
    for header in ("Basic YTpi", "Digest x", "Bearer", "token"):
        reply = requests.get(
            f"{server.url}/api/jwt/?class=user&method=getbalance",
            headers={"Authorization": header},
            timeout=10,
        )
        if header == "Bearer":  # the scheme, with no token
            assert outcome(reply) == "MISSING_TOKEN"
            continue
        assert reply.status_code == 401, header
        assert reply.headers["WWW-Authenticate"].startswith("Bearer ")
        assert reply.json() == {"status": "ERROR", "error": "MISSING_TOKEN"}


def test_a_charset_other_than_utf8_is_malformed(store: Store, server: RunningServer) -> None:
    user, password = store.account()
    url = f"{server.url}/api/http/"
    part = '--b\r\nContent-Disposition: form-data; name="{name}"\r\n{extra}\r\n{value}\r\n'

    def multipart(charset: str | None) -> bytes:
        extra = f"Content-Type: text/plain; charset={charset}\r\n" if charset else ""
        body = "".join(
            part.format(name=name, value=value, extra=extra if name == "user" else "")
            for name, value in (
                ("class", "user"),
                ("method", "getbalance"),
                ("user", user),
                ("password", password),
            )
        )
        return (body + "--b--\r\n").encode()

    def send(body: bytes, content_type: str) -> Any:
        return outcome(
            requests.post(url, data=body, headers={"Content-Type": content_type}, timeout=10)
        )

    assert "balance" in send(multipart(None), "multipart/form-data; boundary=b")
    assert "balance" in send(multipart("UTF-8"), "multipart/form-data; boundary=b")
    for charset in ("iso-8859-1", "utf-16", "x-unknown"):
        assert send(multipart(charset), "multipart/form-data; boundary=b") == "MALFORMED_REQUEST"
        assert (
            send(multipart(None), f"multipart/form-data; boundary=b; charset={charset}")
            == "MALFORMED_REQUEST"
        )
    form = f"class=user&method=getbalance&user={user}&password={password}".encode()
    assert "balance" in send(form, "application/x-www-form-urlencoded; charset=utf-8")
    assert (
        send(form, "application/x-www-form-urlencoded; charset=iso-8859-1") == "MALFORMED_REQUEST"
    )
