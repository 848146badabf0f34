"""Reading a request body within a size cap and a deadline.

A sync worker serves one client at a time, so a client that announces more
than it sends must not hold it for the worker's whole timeout: each read has
a short timeout (on the socket) and the whole body a deadline (a timer signal,
which also catches a client trickling one byte at a time).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from gunicorn.http.errors import ParseException

from ..errors import ErrorCode, HttpError

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class BodyLimits:
    """How much a request body may hold and how long it may take to arrive."""

    max_bytes: int
    read_timeout: float
    total_timeout: float


class _DeadlineExpired(Exception):
    pass


def _raise_deadline(signum: int, frame: Any) -> None:
    raise _DeadlineExpired


_handler = {"installed": False}


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    # Signals reach only the main thread; elsewhere the per-read timeout must do.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # The handler is installed once (forked workers inherit it; nothing else here
    # uses SIGALRM); an alarm is armed only while a body is read.
    if not _handler["installed"]:
        signal.signal(signal.SIGALRM, _raise_deadline)
        _handler["installed"] = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _announced_length(environ: dict[str, Any], limits: BodyLimits) -> int | None:
    """The Content-Length, checked before anything is read; None for a chunked body."""
    raw = environ.get("CONTENT_LENGTH") or ""
    if raw:
        if not (raw.isascii() and raw.isdigit()):
            raise HttpError("400 Bad Request", ErrorCode.MALFORMED_REQUEST)
        length = int(raw)
        if length > limits.max_bytes:
            raise HttpError("413 Content Too Large", ErrorCode.REQUEST_TOO_LARGE)
        return length
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    return 0


def _buffered(stream: Any) -> int:
    """How many body bytes gunicorn already holds for ``stream`` (0 when it cannot tell).

    A small request usually arrives with its head in one segment: its body is
    then read from memory, and arming the timers around that read (four system
    calls) is pure cost. This looks into gunicorn's reader; another server, or
    a gunicorn built otherwise, gets the guarded path.
    """
    try:
        return stream.reader.unreader.buf.getbuffer().nbytes
    except AttributeError:
        return 0


def read_body(environ: dict[str, Any], limits: BodyLimits) -> bytes:
    """The whole request body, or HttpError (400, 408 or 413)."""
    length = _announced_length(environ, limits)
    stream = environ["wsgi.input"]
    if length is not None and _buffered(stream) >= length:
        return stream.read(length) if length else b""
    sock = environ.get("gunicorn.socket")
    chunks: list[bytes] = []
    received = 0
    previous_timeout = None if sock is None else sock.gettimeout()
    try:
        if sock is not None:
            sock.settimeout(limits.read_timeout)
        with _deadline(limits.total_timeout):
            while length is None or received < length:
                wanted = _CHUNK if length is None else min(_CHUNK, length - received)
                chunk = stream.read(wanted)
                if not chunk:
                    break
                received += len(chunk)
                if received > limits.max_bytes:
                    raise HttpError("413 Content Too Large", ErrorCode.REQUEST_TOO_LARGE)
                chunks.append(chunk)
    except (_DeadlineExpired, TimeoutError):
        raise HttpError("408 Request Timeout", ErrorCode.REQUEST_TIMEOUT) from None
    except (OSError, ParseException):
        # A reset connection, or a chunked body that breaks its own framing.
        raise HttpError("400 Bad Request", ErrorCode.MALFORMED_REQUEST) from None
    finally:
        if sock is not None:
            with suppress(OSError):
                sock.settimeout(previous_timeout)
    if length is not None and received < length:
        # The client closed the connection before sending what it announced.
        raise HttpError("400 Bad Request", ErrorCode.MALFORMED_REQUEST)
    return b"".join(chunks)
