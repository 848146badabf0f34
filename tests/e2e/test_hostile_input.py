"""Hostile input over raw HTTP: every case ends in a clean coded fault or 4xx, fast.

After each case a valid call still answers, and no response carries a
traceback, a path, SQL or a password.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import NS, SOAP_ENV, envelope, fields, post, raw_fault

LEAKS = ("Traceback", "/work", "/usr/", "site-packages", "SELECT ", "sqlalchemy", "root:x:0")


class Canary:
    """A loopback HTTP listener that records every request it gets."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'<!ENTITY leak "fetched">')

            def log_message(self, *args: object) -> None:
                pass

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture
def account(store: Store) -> tuple[str, str]:
    return store.account("42.00", password="Hostile-pw-canary-99")


@pytest.fixture(scope="module")
def gunicorn_server(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    running = start_server(
        store,
        tmp_path_factory.mktemp("gunicorn") / "server.log",
        extra_args=("--engine", "gunicorn"),
    )
    yield running
    stop_server(running)


@pytest.fixture(params=["granian", "gunicorn"])
def engine_server(request: pytest.FixtureRequest, server: RunningServer) -> RunningServer:
    """The deadlines are the engine's: the default (granian) and gunicorn."""
    if request.param == "granian":
        return server
    gunicorn: RunningServer = request.getfixturevalue("gunicorn_server")
    return gunicorn


def still_serves(server: RunningServer, account: tuple[str, str]) -> None:
    user, password = account
    response = post(server.soap_url, envelope("getbalance", fields(user=user, password=password)))
    assert response.status_code == 200, response.text
    assert "<tns:balance>42.00</tns:balance>" in response.text


def clean(response_text: str, account: tuple[str, str]) -> None:
    for leak in (*LEAKS, account[1]):
        assert leak not in response_text


def soap_doc(prolog: str, user: str = "someone@example.com", secret: str = "x") -> bytes:  # noqa: S107
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:u="{NS}"><s:Body><u:getbalance>'
        f"<u:user>{user}</u:user><u:password>{secret}</u:password>"
        f"</u:getbalance></s:Body></s:Envelope>"
    ).encode()


def read_all(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while True:
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def raw_http(server: RunningServer, request: bytes, timeout: float = 15.0) -> bytes:
    """Send raw bytes, read until the server closes; the whole response."""
    host, port = urlsplit(server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(request)
        return read_all(connection)


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def head(path: str, length: int | None, extra: str = "") -> bytes:
    # Connection: close: raw_http reads until the server closes (granian keeps connections alive).
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: localhost",
        "Connection: close",
        "Content-Type: text/xml; charset=utf-8",
    ]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


ENTITY_CASES = {
    "xxe-file": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "internal-entity": '<!DOCTYPE x [<!ENTITY e "someone@example.com">]>',
    "billion-laughs": (
        '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
    ),
    "quadratic-blowup": '<!DOCTYPE x [<!ENTITY e "' + "A" * 20000 + '">]>',
}


@pytest.mark.parametrize("case", sorted(ENTITY_CASES))
def test_entities_and_doctypes_are_refused(
    server: RunningServer, account: tuple[str, str], case: str
) -> None:
    user = "&e;" * (200 if case == "quadratic-blowup" else 1)
    response = post(server.soap_url, soap_doc(ENTITY_CASES[case], user=user))
    assert raw_fault(response)[2] == "MALFORMED_REQUEST"
    clean(response.text, account)
    still_serves(server, account)


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE x [<!ENTITY e SYSTEM "{canary}/xxe">]>',
        '<!DOCTYPE x SYSTEM "{canary}/external.dtd">',
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "{canary}/parameter"> %p;]>',
    ],
    ids=["external-entity", "external-dtd", "parameter-entity"],
)
def test_nothing_is_fetched(
    server: RunningServer, account: tuple[str, str], canary: Canary, prolog: str
) -> None:
    response = post(server.soap_url, soap_doc(prolog.format(canary=canary.url), user="&e;"))
    assert raw_fault(response)[2] == "MALFORMED_REQUEST"
    still_serves(server, account)
    assert canary.hits == []


def test_xinclude_is_refused(server: RunningServer, account: tuple[str, str]) -> None:
    user = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
    response = post(server.soap_url, soap_doc("", user=user))
    assert raw_fault(response)[2] == "MALFORMED_REQUEST"
    clean(response.text, account)
    still_serves(server, account)


def test_multiref_is_refused(server: RunningServer, account: tuple[str, str]) -> None:
    body = (
        f'<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:u="{NS}"><s:Body>'
        '<u:getbalance><u:user href="#id1"/><u:password href="#id1"/></u:getbalance>'
        '<u:ref id="id1">x</u:ref></s:Body></s:Envelope>'
    ).encode()
    assert raw_fault(post(server.soap_url, body))[2] == "MALFORMED_REQUEST"
    still_serves(server, account)


@pytest.mark.parametrize("depth", [20, 2000, 10000])
def test_deep_nesting_is_refused(
    server: RunningServer, account: tuple[str, str], depth: int
) -> None:
    deep = "<a>" * depth + "</a>" * depth
    response = post(server.soap_url, soap_doc("", user=deep))
    # 10,000 levels no longer fit under the body cap: refused before parsing.
    expected = "REQUEST_TOO_LARGE" if len(deep) > 64 * 1024 else "MALFORMED_REQUEST"
    assert response.text.count(f"<tns:code>{expected}</tns:code>") == 1
    assert response.status_code in (413, 500)
    still_serves(server, account)


def test_many_elements_are_refused(server: RunningServer, account: tuple[str, str]) -> None:
    wide = "<u:x/>" * 5000
    response = post(server.soap_url, soap_doc("", user=wide))
    assert raw_fault(response)[2] == "MALFORMED_REQUEST"
    still_serves(server, account)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"   \r\n",
        b"not xml at all",
        b'{"json": true}',
        b'<?xml version="1.0" encoding="UTF-8"?><a>\xff\xfe\xfd</a>',
        '<?xml version="1.0" encoding="UTF-8"?><a>ü</a>'.encode("utf-16"),
        '<?xml version="1.0" encoding="ISO-8859-1"?><a/>'.encode("utf-16-le"),
        b"<s:Envelope xmlns:s='" + SOAP_ENV.encode() + b"'/>",
        b"<s:Envelope xmlns:s='" + SOAP_ENV.encode() + b"'><s:Body/></s:Envelope>",
    ],
    ids=[
        "empty",
        "blank",
        "text",
        "json",
        "invalid-utf8",
        "utf16-declared-utf8",
        "utf16le-declared-latin1",
        "empty-envelope",
        "empty-body",
    ],
)
def test_malformed_bodies(server: RunningServer, account: tuple[str, str], payload: bytes) -> None:
    response = post(server.soap_url, payload)
    assert raw_fault(response)[2] == "MALFORMED_REQUEST"
    clean(response.text, account)
    still_serves(server, account)


def test_a_fault_is_no_request(server: RunningServer, account: tuple[str, str]) -> None:
    body = (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><s:Fault><faultcode>s:Server.X</faultcode>'
        "<faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>"
    ).encode()
    assert raw_fault(post(server.soap_url, body))[2] == "MALFORMED_REQUEST"
    still_serves(server, account)


def test_wrong_namespace_is_an_unknown_method(
    server: RunningServer, account: tuple[str, str]
) -> None:
    body = soap_doc("").replace(NS.encode(), b"urn:someone-else")
    assert raw_fault(post(server.soap_url, body))[2] == "INCORRECT_METHOD"
    still_serves(server, account)


def test_oversized_body_is_refused_before_reading(
    server: RunningServer, account: tuple[str, str]
) -> None:
    raw = raw_http(server, head("/api/soap/", 50 * 1024 * 1024) + b"<a>")
    assert status_of(raw) == 413
    assert b"REQUEST_TOO_LARGE" in raw
    still_serves(server, account)


def test_oversized_chunked_body_is_refused(server: RunningServer, account: tuple[str, str]) -> None:
    chunk = b"A" * 8192
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(12)) + b"0\r\n\r\n"
    raw = raw_http(server, head("/api/soap/", None, "Transfer-Encoding: chunked\r\n") + body)
    assert status_of(raw) == 413
    still_serves(server, account)


def test_small_chunked_body_is_served(server: RunningServer, account: tuple[str, str]) -> None:
    user, password = account
    document = envelope("getbalance", fields(user=user, password=password))
    body = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part) for part in (document[:100], document[100:])
    )
    raw = raw_http(
        server, head("/api/soap/", None, "Transfer-Encoding: chunked\r\n") + body + b"0\r\n\r\n"
    )
    assert status_of(raw) == 200 and b"<tns:balance>42.00</tns:balance>" in raw


def test_lying_content_length_times_out_while_others_are_served(
    engine_server: RunningServer, account: tuple[str, str]
) -> None:
    server = engine_server
    host, port = urlsplit(server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=15) as stalled:
        stalled.sendall(head("/api/soap/", 1000) + b"<s:Envelope>")
        # While that worker waits for bytes that never come, the other one serves.
        still_serves(server, account)
        response = read_all(stalled)
    assert status_of(response) == 408
    assert b"REQUEST_TIMEOUT" in response
    still_serves(server, account)


def test_trickling_client_meets_the_total_deadline(
    engine_server: RunningServer, account: tuple[str, str]
) -> None:
    server = engine_server
    host, port = urlsplit(server.url).netloc.split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=15) as slow:
        slow.sendall(head("/api/soap/", 1000))
        response = b""
        for _ in range(30):  # one byte a second, never reaching 1000
            try:
                slow.sendall(b"<")
            except OSError:
                break
            slow.settimeout(1.0)
            try:
                response = slow.recv(65536)
            except TimeoutError:
                continue
            slow.settimeout(15)
            response += read_all(slow)
            break
    assert status_of(response) == 408
    assert time.monotonic() - started < 15  # a bound on the test, not a timing claim
    still_serves(server, account)


def test_slow_request_head_is_cut_off(
    engine_server: RunningServer, account: tuple[str, str]
) -> None:
    server = engine_server
    host, port = urlsplit(server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=15) as slow:
        slow.sendall(b"POST /api/soap/ HTTP/1.1\r\nHost: localhost\r\n")
        # Two workers: while this one waits for the rest of the head, the other serves.
        still_serves(server, account)
        assert read_all(slow) == b""  # closed by the server, well before the test's 15 s
    still_serves(server, account)
    assert "Traceback" not in server.log_text()


def test_idle_and_trickling_clients_leave_the_service_answering(
    server: RunningServer, account: tuple[str, str]
) -> None:
    """The default engine with nothing in front: 50 connections that send nothing and 20 that
    trickle a request head or body do not keep a valid call from being answered."""
    host, port = urlsplit(server.url).netloc.split(":")
    idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(50)]
    trickling = []
    for number in range(20):
        connection = socket.create_connection((host, int(port)), timeout=5)
        if number % 2:
            connection.sendall(b"POST /api/soap/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        else:
            connection.sendall(head("/api/soap/", 1000) + b"<s:Envelope>")
        trickling.append(connection)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.3):
            for connection in trickling:
                with suppress(OSError):  # cut off by its deadline
                    connection.sendall(b"x")

    trickler = threading.Thread(target=trickle)
    trickler.start()
    try:
        time.sleep(1)  # every slow client is in, and trickling
        for _ in range(3):
            started = time.monotonic()
            still_serves(server, account)
            # A liveness bound, not a speed claim: it is not waiting behind the slow clients.
            assert time.monotonic() - started < 2
    finally:
        stop.set()
        trickler.join()
        for connection in idle + trickling:
            connection.close()
    still_serves(server, account)


def test_bad_content_length_is_a_client_error(
    server: RunningServer, account: tuple[str, str]
) -> None:
    raw = raw_http(server, head("/api/soap/", None, "Content-Length: 12abc\r\n") + b"<a/>")
    assert 400 <= status_of(raw) < 500
    clean(raw.decode("latin-1"), account)
    still_serves(server, account)


@pytest.mark.parametrize(
    "value",
    ["Robert'); DROP TABLE accounts;--", "' OR '1'='1", "x\\'; SELECT pg_sleep(10);--"],
)
def test_sql_injection_is_stored_verbatim(store: Store, server: RunningServer, value: str) -> None:
    import zeep

    client = zeep.Client(f"{server.soap_url}?wsdl")
    user, password = store.account()
    client.service.addaddress(
        user=user,
        password=password,
        namelastname=value,
        iscompany=0,
        documentid=value[:50],
        countrycode="JP",
        cityid=1850147,
        cityname=value,
        zipcode="1",
        address=value,
    )
    [stored] = client.service.getaddresses(user=user, password=password)
    assert (stored.namelastname, stored.cityname, stored.address) == (value, value, value)
    # And the injection into the login finds nobody.
    response = post(server.soap_url, envelope("getbalance", fields(user=value, password=value)))
    assert raw_fault(response)[2] == "INCORRECT_USER_PASSWORD"


def test_get_on_the_endpoint(server: RunningServer, account: tuple[str, str]) -> None:
    assert requests.get(server.soap_url, timeout=10).status_code == 405
    assert requests.put(server.soap_url, data=b"<a/>", timeout=10).status_code == 405
    still_serves(server, account)
