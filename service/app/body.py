"""Reading a request body within a size cap and deadlines, on any WSGI server.

A client that announces more than it sends, or trickles its body a byte at a
time, must not hold a request for longer than the deadlines: each chunk of the
body (up to 64 KiB) must arrive within the read timeout and the whole body
within the request timeout, or the answer is 408 REQUEST_TIMEOUT.

A body the server already holds in memory (an ``io.BytesIO``; a ``Buffered``
from the granian engine, service/engines/rsgi.py, which awaited it under these
deadlines) is read at once. Otherwise a WSGI server's ``wsgi.input`` blocks
until the bytes asked for arrive and has no timeout of its own, and a
process-wide timer signal would only reach the main thread: the reads run on
a reader thread that belongs to the request's thread, which waits for each
chunk under the deadlines. A reader whose read does not come back in time is
abandoned: it ends when the server closes that client's connection (after the
408; gunicorn's reads also time out on the socket), and the request thread
starts a new one for its next body.
"""

from __future__ import annotations

import io
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..errors import ErrorCode, HttpError

_CHUNK = 64 * 1024
# How often an idle reader checks that its request thread still exists.
_IDLE_CHECK_SECONDS = 60.0


@dataclass(frozen=True)
class BodyLimits:
    """How much a request body may hold and how long it may take to arrive."""

    max_bytes: int
    read_timeout: float
    total_timeout: float


class Buffered(io.BytesIO):
    """A request body its server has read into memory, and how that went.

    ``late``: it did not all arrive within the deadlines (408); ``broken``: the
    connection broke off or the chunked framing was wrong (400).
    """

    def __init__(self, data: bytes, *, late: bool = False, broken: bool = False) -> None:
        super().__init__(data)
        self.late = late
        self.broken = broken


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


# What a reader thread hands back for each read: the bytes (b"" at the end of
# the body), or the exception the read raised.
_Outcome = bytes | BaseException


class _Reader:
    """A thread that reads chunks of request bodies for one request thread."""

    def __init__(self) -> None:
        self._asked: queue.SimpleQueue[tuple[Any, int]] = queue.SimpleQueue()
        self.answers: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
        self.abandoned = False
        self._owner = threading.current_thread()
        threading.Thread(target=self._run, name="body-reader", daemon=True).start()

    def ask(self, stream: Any, size: int) -> None:
        """Read up to ``size`` bytes of ``stream``; the outcome comes on ``answers``."""
        self._asked.put((stream, size))

    def _run(self) -> None:
        while not self.abandoned:
            try:
                stream, size = self._asked.get(timeout=_IDLE_CHECK_SECONDS)
            except queue.Empty:
                if self._owner.is_alive():
                    continue
                return  # a server's idle request thread ended: so does its reader
            try:
                outcome: _Outcome = stream.read(size)
            except Exception as error:  # handed to the request thread
                outcome = error
            self.answers.put(outcome)
            del stream, outcome


_readers = threading.local()


def _reader() -> _Reader:
    """This request thread's reader (a new one if the last was abandoned)."""
    reader: _Reader | None = getattr(_readers, "reader", None)
    if reader is None:
        reader = _readers.reader = _Reader()
    return reader


def read_body(environ: dict[str, Any], limits: BodyLimits) -> bytes:
    """The whole request body, or HttpError (400, 408 or 413)."""
    length = _announced_length(environ, limits)
    if length == 0:
        return b""
    stream = environ["wsgi.input"]
    if isinstance(stream, io.BytesIO):
        return _held(stream, length, limits)
    reader = _reader()
    deadline = time.monotonic() + limits.total_timeout
    chunks: list[bytes] = []
    received = 0
    while length is None or received < length:
        reader.ask(stream, _CHUNK if length is None else min(_CHUNK, length - received))
        wait = min(limits.read_timeout, deadline - time.monotonic())
        try:
            outcome = reader.answers.get(timeout=max(wait, 0.0))
        except queue.Empty:
            reader.abandoned = True
            _readers.reader = None
            raise HttpError("408 Request Timeout", ErrorCode.REQUEST_TIMEOUT) from None
        if isinstance(outcome, TimeoutError):  # the server's own timeout on the socket
            raise HttpError("408 Request Timeout", ErrorCode.REQUEST_TIMEOUT) from None
        if isinstance(outcome, BaseException):
            # A reset connection, or a chunked body that breaks its own framing.
            raise HttpError("400 Bad Request", ErrorCode.MALFORMED_REQUEST) from None
        if not outcome:
            break
        received += len(outcome)
        if received > limits.max_bytes:
            raise HttpError("413 Content Too Large", ErrorCode.REQUEST_TOO_LARGE)
        chunks.append(outcome)
    if length is not None and received < length:
        # The client closed the connection before sending what it announced.
        raise HttpError("400 Bad Request", ErrorCode.MALFORMED_REQUEST)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _held(stream: io.BytesIO, length: int | None, limits: BodyLimits) -> bytes:
    """A body already in memory, under the same rules as one read from the client."""
    if isinstance(stream, Buffered):
        if stream.late:
            raise HttpError("408 Request Timeout", ErrorCode.REQUEST_TIMEOUT)
        if stream.broken:
            raise HttpError("400 Bad Request", ErrorCode.MALFORMED_REQUEST)
    body = stream.read(limits.max_bytes + 1 if length is None else length)
    if len(body) > limits.max_bytes:
        raise HttpError("413 Content Too Large", ErrorCode.REQUEST_TOO_LARGE)
    if length is not None and len(body) < length:
        raise HttpError("400 Bad Request", ErrorCode.MALFORMED_REQUEST)
    return body
