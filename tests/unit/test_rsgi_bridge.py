"""The WSGI application over granian's RSGI interface: the environ, the body and its deadlines.

The protocol and scope are stand-ins with RSGI's shape (granian's own objects
come from Rust and cannot be built outside a server); the end-to-end suite runs
the real thing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from service.app.body import BodyLimits, read_body
from service.engines.rsgi import RsgiBridge
from service.errors import HttpError

LIMITS = BodyLimits(max_bytes=100, read_timeout=0.2, total_timeout=0.4)


class Headers:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return self._pairs


class Scope:
    proto = "http"
    http_version = "1.1"
    server = "127.0.0.1:8000"
    client = "[::1]:51234"
    scheme = "http"
    method = "POST"
    path = "/api/soap/"
    query_string = "a=1"

    def __init__(self, headers: list[tuple[str, str]]) -> None:
        self.headers = Headers(headers)


class Protocol:
    """Sends ``chunks`` with ``pause`` seconds before each; ``stall``: then nothing more."""

    def __init__(self, chunks: list[bytes], pause: float = 0.0, stall: bool = False) -> None:
        self._chunks, self._pause, self._stall = chunks, pause, stall
        self.answer: tuple[int, list[tuple[str, str]], bytes] | None = None

    async def __call__(self) -> bytes:
        return b"".join([chunk async for chunk in self])

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            await asyncio.sleep(self._pause)
            yield chunk
        if self._stall:
            await asyncio.sleep(60)

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answer = (status, headers, body)


def serve(headers: list[tuple[str, str]], protocol: Protocol) -> dict[str, Any]:
    """Serve one request; the environ the application saw, with its body (or error) read."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        seen.update(environ)
        try:
            seen["body"] = read_body(environ, LIMITS)
        except HttpError as error:
            seen["body"] = error.status[:3]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    # On a thread of its own: a session's Playwright keeps an event loop running on this one.
    call = RsgiBridge(app, LIMITS, lambda: None).__rsgi__(Scope(headers), protocol)
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, call).result()
    assert protocol.answer == (200, [("Content-Type", "text/plain")], b"ok")
    return seen


def test_the_environ_is_wsgi_s() -> None:
    environ = serve(
        [
            ("host", "example.com"),
            ("content-type", "text/xml"),
            ("content-length", "4"),
            ("x-forwarded-for", "10.0.0.1"),
            ("x-forwarded-for", "10.0.0.2"),
        ],
        Protocol([b"<a/>"]),
    )
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"] == "/api/soap/" and environ["QUERY_STRING"] == "a=1"
    assert environ["REMOTE_ADDR"] == "::1"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("127.0.0.1", "8000")
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1" and environ["wsgi.url_scheme"] == "http"
    assert environ["CONTENT_TYPE"] == "text/xml" and environ["HTTP_HOST"] == "example.com"
    assert environ["HTTP_X_FORWARDED_FOR"] == "10.0.0.1,10.0.0.2"
    assert environ["body"] == b"<a/>"


def test_a_chunked_body_is_announced_as_what_arrived() -> None:
    environ = serve([("transfer-encoding", "chunked")], Protocol([b"<a>", b"x</a>"]))
    assert environ["body"] == b"<a>x</a>"
    assert environ["CONTENT_LENGTH"] == "8" and "HTTP_TRANSFER_ENCODING" not in environ


def test_the_size_cap() -> None:
    announced = serve([("content-length", "101")], Protocol([b"x" * 101]))
    chunked = serve([("transfer-encoding", "chunked")], Protocol([b"x" * 60, b"x" * 60]))
    assert announced["body"] == chunked["body"] == "413"


def test_a_body_that_stops_coming_is_late() -> None:
    assert serve([("content-length", "10")], Protocol([b"<a"], stall=True))["body"] == "408"
    stalled = serve([("transfer-encoding", "chunked")], Protocol([b"<a"], stall=True))
    assert stalled["body"] == "408"


def test_a_trickling_body_meets_the_total_deadline() -> None:
    # Each chunk within the read timeout, the whole not within the total.
    trickle = Protocol([b"<"] * 50, pause=0.05)
    assert serve([("transfer-encoding", "chunked")], trickle)["body"] == "408"


def test_a_body_cut_short_is_malformed() -> None:
    assert serve([("content-length", "10")], Protocol([b"<a/>"]))["body"] == "400"
