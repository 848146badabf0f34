"""The SOAP fast path answers exactly as Spyne does, and takes only the plain shapes.

Every request of the corpus goes through the WSGI application twice, once with
the fast path and once without it, on the same database: status, headers
(but the request id), body bytes and what the API log records must be equal.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from service.app.client import TRACE
from service.app.wsgi import SOAP12_PATH, SOAP_PATH, UserManagementApp
from service.domain.access import OWN_LOGIN, AccessState
from service.domain.address import NewAddress
from service.domain.caller import Caller
from service.domain.throttle import ThrottleKey
from service.soap.faults import CodedFault
from service.soap.protocol import parse_document
from tests.conftest import Store

NS = "urn:usermanagement:user:v1"
ENVELOPES = {
    SOAP_PATH: "http://schemas.xmlsoap.org/soap/envelope/",
    SOAP12_PATH: "http://www.w3.org/2003/05/soap-envelope",
}
METHODS = ("getbalance", "getaddresses", "getchannels")
SOURCE = "192.0.2.10"
# Trace fields that differ from call to call by nature.
VOLATILE = {"request_id", "created_at", "started"}


@dataclasses.dataclass(frozen=True)
class Answer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    trace: dict[str, Any]


def call(app: UserManagementApp, path: str, body: bytes, source: str) -> Answer:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        captured["status"], captured["headers"] = status, headers

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": "text/xml; charset=utf-8",
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": source,
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    document = b"".join(app(environ, start_response))
    trace = dataclasses.asdict(environ[TRACE])
    return Answer(
        captured["status"],
        tuple((k, v) for k, v in captured["headers"] if k != "X-Request-Id"),
        document,
        {k: v for k, v in trace.items() if k not in VOLATILE},
    )


def envelope(path: str, method: str, inner: str, header: str = "") -> bytes:
    env = ENVELOPES[path]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="{env}" xmlns:u="{NS}">'
        f"{header}<s:Body><u:{method}>{inner}</u:{method}></s:Body></s:Envelope>"
    ).encode()


def credentials(user: str, password: str) -> str:
    return f"<u:user>{user}</u:user><u:password>{password}</u:password>"


@pytest.fixture(scope="module")
def apps(store: Store) -> Iterator[tuple[UserManagementApp, UserManagementApp]]:
    slow_settings = dataclasses.replace(store.core.settings, soap_fast_path=False)
    fast = UserManagementApp(store.core)
    slow = UserManagementApp(dataclasses.replace(store.core, settings=slow_settings))
    assert fast.soap11._fast is not None and slow.soap11._fast is None
    yield fast, slow


@pytest.fixture(scope="module")
def accounts(store: Store) -> dict[str, tuple[str, str]]:
    """Accounts in every state the three calls can meet."""
    made = {name: store.account("1234.50") for name in ("rich", "empty", "disabled", "filtered")}
    made["zero"] = store.account("0.00")
    with store.core.units.writing() as uow:
        rich = uow.reads.account_by_email(made["rich"][0])
        assert rich is not None
        for number, name in enumerate(("Ana García", "A & B <Co> \"q\" 'a'", "Zoë\r\nLine", "x")):
            uow.addresses.add(
                rich.id,
                NewAddress(
                    namelastname=name,
                    iscompany=number % 2,
                    companyname="" if number % 2 == 0 else "Acme ]]> SL",
                    documentid=f"D{number}",
                    countrycode="ES",
                    cityid=3117735,
                    cityname="Madrid",
                    zipcode="28001",
                    address=f"Calle {number} \t tab",
                ),
            )
        uow.channels.set_active(rich.id, "sms", 0)
        disabled = uow.reads.account_by_email(made["disabled"][0])
        filtered = uow.reads.account_by_email(made["filtered"][0])
        assert disabled is not None and filtered is not None
        uow.accesses.set_state(disabled.id, OWN_LOGIN, AccessState.DISABLED)
        uow.accesses.set_networks(filtered.id, None, ["10.0.0.0/8"])
        uow.commit()
    return made


def plain_cases(accounts: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, inner XML) of requests in the plain shape: the fast path serves these."""
    user, password = accounts["rich"]
    cases = [
        ("valid", credentials(user, password)),
        ("upper-case user", credentials(user.upper(), password)),
        ("spaced user", credentials(f"  {user} ", password)),
        ("swapped order", f"<u:password>{password}</u:password><u:user>{user}</u:user>"),
        ("whitespace between", f"\n  {credentials(user, password)}\n"),
        ("cdata password", credentials(user, f"<![CDATA[{password}]]>")),
        ("wrong password", credentials(user, "wrong")),
        ("password with spaces", credentials(user, f" {password} ")),
        ("unknown user", credentials("nobody@example.com", password)),
        ("missing user", f"<u:password>{password}</u:password>"),
        ("missing password", f"<u:user>{user}</u:user>"),
        ("nothing", ""),
        ("empty user", f"<u:user/><u:password>{password}</u:password>"),
        ("blank user", credentials(" ", password)),
        ("empty password", f"<u:user>{user}</u:user><u:password></u:password>"),
        ("over-long user", credentials("u" * 300 + "@example.com", password)),
        ("over-long password", credentials(user, "p" * 5000)),
        ("escaped user", credentials(user.replace("@", "&#64;"), password)),
        ("comment inside", f"<!-- c -->{credentials(user, password)}"),
        ("empty account", credentials(*accounts["empty"])),
        ("zero balance", credentials(*accounts["zero"])),
        ("disabled access", credentials(*accounts["disabled"])),
        ("ip filtered", credentials(*accounts["filtered"])),
    ]
    return cases


# Requests Spyne must serve: anything but the plain shape.
OTHER_SHAPES = {
    "header": lambda path, method, inner: envelope(path, method, inner, "<s:Header/>"),
    "extra element": lambda path, method, inner: envelope(path, method, inner + "<u:x>1</u:x>"),
    "repeated user": lambda path, method, inner: envelope(
        path, method, inner + "<u:user>a@example.com</u:user>"
    ),
    "foreign namespace": lambda path, method, inner: envelope(
        path,
        method,
        inner.replace("u:user>", 'user xmlns="urn:x">').replace('</user xmlns="urn:x">', "</user>"),
    ),
    "nil attribute": lambda path, method, inner: envelope(
        path,
        method,
        inner.replace(
            "<u:user>", '<u:user xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="0">'
        ),
    ),
    "nested element": lambda path, method, inner: envelope(
        path, method, inner.replace("<u:user>", "<u:user><u:x/>")
    ),
    "text in call": lambda path, method, inner: envelope(path, method, "text" + inner),
    "other operation": lambda path, method, inner: envelope(path, "modifychannel", inner),
    "malformed": lambda path, method, inner: envelope(path, method, inner)[:-5],
}


def answer_alike(
    apps: tuple[UserManagementApp, UserManagementApp], path: str, body: bytes, name: str
) -> bool:
    """Both applications answer ``body`` alike; True when the fast path takes it."""
    fast, slow = apps
    route = fast.soap11 if path == SOAP_PATH else fast.soap12
    assert route._fast is not None
    try:
        root = parse_document(body)
    except CodedFault:
        taken = False  # the route answers it before either path
    else:
        taken = route._fast.serve(root, Caller(SOURCE), lambda *_: None) is not None
    assert call(fast, path, body, SOURCE) == call(slow, path, body, SOURCE), name
    return taken


# Every fast-path method on both SOAP endpoints.
each_call = pytest.mark.parametrize(
    ("path", "method"), [(path, method) for path in (SOAP_PATH, SOAP12_PATH) for method in METHODS]
)


@each_call
def test_plain_calls_answer_alike(
    apps: tuple[UserManagementApp, UserManagementApp],
    accounts: dict[str, tuple[str, str]],
    path: str,
    method: str,
) -> None:
    for name, inner in plain_cases(accounts):
        taken = answer_alike(apps, path, envelope(path, method, inner), name)
        assert taken, f"{name}: not taken by the fast path"


@each_call
def test_other_shapes_go_to_spyne(
    apps: tuple[UserManagementApp, UserManagementApp],
    accounts: dict[str, tuple[str, str]],
    path: str,
    method: str,
) -> None:
    inner = credentials(*accounts["rich"])
    for name, build in OTHER_SHAPES.items():
        taken = answer_alike(apps, path, build(path, method, inner), name)
        assert not taken, f"{name}: taken by the fast path"


@pytest.mark.parametrize("path", [SOAP_PATH, SOAP12_PATH])
def test_blocked_caller_answers_alike(
    store: Store,
    apps: tuple[UserManagementApp, UserManagementApp],
    accounts: dict[str, tuple[str, str]],
    path: str,
) -> None:
    fast, slow = apps
    source = "198.51.100.77" if path == SOAP_PATH else "198.51.100.78"
    # Blocked for 100.5 s: both answers, milliseconds apart, say "retry after 101".
    until = datetime.now(UTC) + timedelta(seconds=100.5)
    with store.core.units.writing() as uow:
        record = uow.throttle.lock(ThrottleKey.of_source(source), datetime.now(UTC))
        uow.throttle.save(dataclasses.replace(record, failures=1000, blocked_until=until))
        uow.commit()
    body = envelope(path, "getbalance", credentials(*accounts["rich"]))
    first, second = call(fast, path, body, source), call(slow, path, body, source)
    assert first == second
    assert ("Retry-After", "101") in first.headers
    assert first.trace["error_code"] == "TOO_MANY_ATTEMPTS"
