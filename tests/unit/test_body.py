"""Reading a request body under the size cap and the deadlines, whatever the server's stream."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest

from service.app.body import BodyLimits, Buffered, read_body
from service.errors import HttpError

LIMITS = BodyLimits(max_bytes=1024, read_timeout=0.3, total_timeout=0.6)


class Stalled:
    """A server's stream whose client sent ``sent`` and then nothing more."""

    def __init__(self, sent: bytes) -> None:
        self._sent = io.BytesIO(sent)
        self.released = threading.Event()

    def read(self, size: int) -> bytes:
        data = self._sent.read(size)
        if data:
            return data
        self.released.wait(10)  # until the server closes the connection
        return b""


class Trickling:
    """A server's stream whose client sends one byte every ``pause`` seconds."""

    def __init__(self, pause: float) -> None:
        self._pause = pause

    def read(self, size: int) -> bytes:
        time.sleep(self._pause)
        return b"<"


class Failing:
    def __init__(self, error: Exception) -> None:
        self._error = error

    def read(self, size: int) -> bytes:
        raise self._error


def environ(stream: Any, announced: int | None) -> dict[str, Any]:
    if announced is None:
        return {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": stream}
    return {"CONTENT_LENGTH": str(announced), "wsgi.input": stream}


def status(stream: Any, announced: int | None, limits: BodyLimits = LIMITS) -> str:
    with pytest.raises(HttpError) as error:
        read_body(environ(stream, announced), limits)
    return error.value.status[:3]


def test_a_body_in_memory_is_read_at_once() -> None:
    assert read_body(environ(io.BytesIO(b"<a>x</a>"), 8), LIMITS) == b"<a>x</a>"
    assert read_body(environ(Buffered(b"<a/>"), 4), LIMITS) == b"<a/>"


def test_a_buffered_body_says_how_it_arrived() -> None:
    assert status(Buffered(b"", late=True), 10) == "408"
    assert status(Buffered(b"", broken=True), 10) == "400"
    assert status(io.BytesIO(b"<a"), 10) == "400"  # shorter than announced


def test_the_size_cap_comes_first() -> None:
    assert status(Stalled(b""), 2000) == "413"  # refused before anything is read
    chunked = Buffered(b"x" * 2000)
    assert status(chunked, None) == "413"


def test_a_body_read_from_the_client_arrives_whole() -> None:
    assert read_body(environ(Stalled(b"<a>x</a>"), 8), LIMITS) == b"<a>x</a>"
    chunked = io.BufferedReader(io.BytesIO(b"y" * 100))  # not in memory as far as it says
    assert read_body(environ(chunked, None), LIMITS) == b"y" * 100


def test_a_body_that_stops_coming_is_a_timeout() -> None:
    stalled = Stalled(b"<s:Envelope>")
    started = time.monotonic()
    assert status(stalled, 100) == "408"
    assert time.monotonic() - started < 5  # a bound on the test, not a timing claim
    stalled.released.set()
    # The request thread reads its next body with a new reader.
    assert read_body(environ(Stalled(b"<a/>"), 4), LIMITS) == b"<a/>"


def test_a_trickling_body_meets_the_total_deadline() -> None:
    # Each byte within the read timeout; the whole body not within the total.
    limits = BodyLimits(max_bytes=1024, read_timeout=0.3, total_timeout=0.5)
    assert status(Trickling(0.05), 1000, limits) == "408"


def test_read_errors_are_client_errors() -> None:
    assert status(Failing(TimeoutError()), 10) == "408"  # a server's own socket timeout
    assert status(Failing(ConnectionResetError()), 10) == "400"
    assert status(Failing(ValueError("bad chunk size")), None) == "400"
