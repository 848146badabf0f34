"""The WSGI application served over granian's RSGI interface, its bodies buffered first.

granian's own WSGI interface calls the application as soon as a request head
arrives, on a thread that then waits for the body as long as the client likes:
one slow client per thread stops a worker, and a thread cannot be interrupted.
Over RSGI, the body is awaited on the worker's event loop under the deadlines
(each chunk within USERAPI_READ_TIMEOUT, the whole within
USERAPI_REQUEST_TIMEOUT) and the size cap, while the worker goes on serving
others; only then is the WSGI application called, on the worker's main thread,
one request at a time, with the body in memory. It is what a buffering proxy
does for gunicorn's sync workers, without the proxy.

A body that did not arrive in time, or broke off, reaches the application as a
``Buffered`` stream that says so: the application answers 408 or 400 in the
API's own format and logs the request like any other.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from ..app.body import BodyLimits, Buffered

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_PROTOCOLS = {"1": "HTTP/1.0", "1.0": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2"}


def _host_port(address: str) -> tuple[str, str]:
    """``ip:port`` or ``[ip6]:port`` as (ip, port)."""
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


class RsgiBridge:
    """An RSGI application (``__rsgi__``) that serves a WSGI application."""

    def __init__(self, app: WsgiApp, limits: BodyLimits, on_exit: Callable[[], None]) -> None:
        """``on_exit`` runs when the worker stops gracefully (granian's ``__rsgi_del__``)."""
        self._app = app
        self._limits = limits
        self._on_exit = on_exit
        self._base: dict[str, Any] = {
            "SCRIPT_NAME": "",
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
        }

    def __rsgi_del__(self, loop: Any) -> None:
        self._on_exit()

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return  # no websockets here
        environ = self._environ(scope)
        environ["wsgi.input"] = await self._body(environ, protocol)
        reply: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_exc: Any) -> None:
            reply[:] = (int(status[:3]), headers)

        iterable = self._app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        protocol.response_bytes(reply[0], reply[1], body)

    def _environ(self, scope: Any) -> dict[str, Any]:
        environ = self._base.copy()
        environ["REQUEST_METHOD"] = scope.method
        # WSGI's PATH_INFO holds the path's bytes, decoded as latin-1.
        path = scope.path
        environ["PATH_INFO"] = path if path.isascii() else path.encode().decode("latin-1")
        environ["QUERY_STRING"] = scope.query_string
        environ["SERVER_NAME"], environ["SERVER_PORT"] = _host_port(scope.server)
        environ["SERVER_PROTOCOL"] = _PROTOCOLS.get(scope.http_version, "HTTP/1.1")
        environ["REMOTE_ADDR"] = _host_port(scope.client)[0]
        environ["wsgi.url_scheme"] = scope.scheme
        for name, value in scope.headers.items():
            key = _KEYS.get(name) or _key(name)
            previous = environ.get(key)
            environ[key] = value if previous is None else f"{previous},{value}"
        return environ

    async def _body(self, environ: dict[str, Any], protocol: Any) -> Buffered:
        """The request body, awaited under the deadlines and the size cap.

        The environ then announces what arrived: CONTENT_LENGTH the bytes
        received (past the cap: the application refuses it from that alone),
        and no Transfer-Encoding (the body is no longer chunked).
        """
        announced = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and announced in ("", "0"):
            return _EMPTY
        limits = self._limits
        if announced:
            if not (announced.isascii() and announced.isdigit()):
                return _EMPTY  # refused from the announced length, unread
            length = int(announced)
            if length > limits.max_bytes:
                return _EMPTY
            if length <= _ONE_READ:
                # The usual call: one read, under the read timeout.
                try:
                    data = await _within(limits.read_timeout, protocol())
                except Exception:  # the client reset the connection
                    return Buffered(b"", broken=True)
                if data is LATE:
                    return Buffered(b"", late=True)
                return Buffered(data) if len(data) >= length else Buffered(b"", broken=True)
        received = await _within(limits.total_timeout, _chunks(protocol, limits))
        if received is LATE:
            return Buffered(b"", late=True)
        if received.late or received.broken:
            return received
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        size = len(received.getbuffer())
        if announced and size < int(announced):
            return Buffered(b"", broken=True)
        environ["CONTENT_LENGTH"] = str(size)
        return received


# What _within gives for a read that took too long.
LATE = object()
# What the application reads for a request with no body (read only, never written).
_EMPTY = Buffered(b"")
# A body up to this size is awaited whole; a larger one chunk by chunk.
_ONE_READ = 64 * 1024
# The WSGI keys of the usual headers (any other: _key).
_KEYS = {
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "host": "HTTP_HOST",
    "user-agent": "HTTP_USER_AGENT",
    "soapaction": "HTTP_SOAPACTION",
    "accept": "HTTP_ACCEPT",
    "accept-encoding": "HTTP_ACCEPT_ENCODING",
    "connection": "HTTP_CONNECTION",
}


def _key(name: str) -> str:
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key


async def _within(seconds: float, reading: Awaitable[Any]) -> Any:
    """What ``reading`` gives, or LATE when it takes longer than ``seconds``.

    One timer on the loop, cancelled when the read is done: asyncio.timeout()
    costs three times as much, and this runs for every request with a body.
    """
    task = asyncio.current_task()
    assert task is not None  # granian runs each request as a task
    expired: list[bool] = []

    def expire() -> None:
        expired.append(True)
        task.cancel()

    timer = asyncio.get_running_loop().call_later(seconds, expire)
    try:
        return await reading
    except asyncio.CancelledError:
        if not expired:
            raise  # the worker is stopping
        task.uncancel()
        return LATE
    finally:
        timer.cancel()


async def _chunks(protocol: Any, limits: BodyLimits) -> Buffered:
    """A larger or chunked body: each chunk within the read timeout, stopping past the cap."""
    chunks: list[bytes] = []
    received = 0
    try:
        chunk_stream = protocol.__aiter__()
        while received <= limits.max_bytes:
            async with asyncio.timeout(limits.read_timeout):
                chunk = await anext(chunk_stream, b"")
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    except TimeoutError:
        return Buffered(b"", late=True)
    except Exception:  # the client reset the connection, or broke the chunked framing
        return Buffered(b"", broken=True)
    return Buffered(b"".join(chunks))
