"""The WSGI application: routes each path to its transport adapter."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..auth.sessions import FormTokens
from ..bootstrap import Core, build_core, database_unready
from ..console import pages
from ..console.app import Console
from ..dispatch.context import RequestContext
from ..dispatch.dispatcher import Dispatcher
from ..domain.api import Api
from ..domain.caller import Caller
from ..errors import UserApiError
from ..http.api import JsonApi, error_payload
from ..http.openapi import openapi_json
from ..logs import configure as configure_logs
from ..logs import request_id
from ..metrics import exposition, metrics, request_answered
from .body import BodyLimits, read_body
from .client import client_address, public_base_url
from .requestlog import RequestLines
from .soap import SoapRoute

_log = logging.getLogger("service.health")
# A caller's X-Request-Id that is kept (else the service makes one), and a W3C traceparent.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")
_NO_TRACE = "0" * 32

SOAP_PATH = "/api/soap/"
SOAP12_PATH = "/api/soap12/"
HEALTH_PATH = "/health"
READY_PATH = "/health/ready"
METRICS_PATH = "/metrics"
# The JSON transports, by path.
JSON_PATHS = {"/api/http/": Api.HTTP, "/api/basic/": Api.BASIC, "/api/jwt/": Api.JWT}
TOKEN_PATH = "/api/jwt/token"  # noqa: S105 (a path)
OPENAPI_PATH = "/api/openapi.json"
CONSOLE_PATH = "/console"

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
Handler = Callable[[Environ, StartResponse, RequestContext], Iterable[bytes]]


def _plain(start_response: StartResponse, status: str, body: bytes, *headers: Any) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *headers,
        ],
    )
    return [body]


class UserManagementApp:
    """The service's WSGI callable: SOAP 1.1 and 1.2, the JSON transports, OpenAPI, the
    account console, /health."""

    def __init__(self, core: Core) -> None:
        self.core = core
        settings = core.settings
        self.limits = limits = BodyLimits(
            settings.max_body_bytes, settings.read_timeout, settings.request_timeout
        )
        dispatcher = Dispatcher(core.operations)
        self.soap11 = SoapRoute(settings, dispatcher, limits, "1.1", SOAP_PATH)
        self.soap12 = SoapRoute(settings, dispatcher, limits, "1.2", SOAP12_PATH)
        self._soap = {SOAP_PATH: (Api.SOAP11, self.soap11), SOAP12_PATH: (Api.SOAP12, self.soap12)}
        self._dispatcher = dispatcher
        self._json = JsonApi(dispatcher, lambda environ: read_body(environ, limits))
        self._console = Console(
            Dispatcher(core.operations, core.console.methods()),
            FormTokens(core.authenticator.tokens.keyed_digest),
            settings,
            lambda environ: read_body(environ, limits),
            lambda environ: public_base_url(environ, settings),
            pages.ROUTES,
            pages.signin_page,
        )
        self._openapi = openapi_json()
        self._lines = RequestLines(settings.log_level, settings.log_format)
        metrics()  # made now: every series exists before the first request

    def _logged(
        self, environ: Environ, start_response: StartResponse, api: Api, handler: Handler
    ) -> list[bytes]:
        """Serve one API request with its context and queue its API log record.

        The reply names the request's id.
        """
        length = environ.get("CONTENT_LENGTH") or "0"
        context = RequestContext(
            Caller(client_address(environ, self.core.settings), api),
            environ.get("HTTP_USER_AGENT"),
            bytes_in=int(length) if length.isdigit() else 0,
        )
        # The caller's own request id and trace are kept, when well-formed (DESIGN, section 6).
        incoming = environ.get("HTTP_X_REQUEST_ID")
        if incoming is not None and _REQUEST_ID.fullmatch(incoming):
            context.request_id = incoming
        traceparent = environ.get("HTTP_TRACEPARENT")
        trace = _TRACEPARENT.fullmatch(traceparent) if traceparent is not None else None
        if trace is not None and trace.group(1) != _NO_TRACE:
            context.trace_id = trace.group(1)
        else:
            traceparent = None
        echoed = [("X-Request-Id", context.request_id)]
        if traceparent is not None:
            echoed.append(("traceparent", traceparent))

        def recording(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            context.http_status = int(status[:3])
            return start_response(status, [*headers, *echoed], *exc_info)

        current = request_id.set(context.request_id)
        try:
            try:
                iterable = handler(environ, recording, context)
                try:
                    body = list(iterable)
                finally:
                    close = getattr(iterable, "close", None)
                    if close is not None:
                        close()
            except Exception as error:
                # The codecs answer every failure they know; this is the last resort,
                # still in the API's own format, never the server's HTML error page.
                outcome = self._dispatcher.failed(context, error)
                assert outcome.error is not None
                body = self._internal_error(api, outcome.error, recording)
        finally:
            request_id.reset(current)
        context.bytes_out = sum(len(chunk) for chunk in body)
        seconds = time.monotonic() - context.started
        code = context.error_code or "SUCCESS"
        request_answered(api, context.method, code, seconds)
        if context.recorded:
            self.core.api_log.record(context, int(seconds * 1000))
        self._lines.write(context, code, seconds)
        return body

    def _internal_error(
        self, api: Api, error: UserApiError, start_response: StartResponse
    ) -> list[bytes]:
        """``error`` as the API ``api`` answers it (an answer may have been started)."""
        soap = {Api.SOAP11: self.soap11, Api.SOAP12: self.soap12}.get(api)
        if soap is not None:
            reply = soap.codec.fault(error)
            status, headers, body = reply.status, list(reply.headers), reply.body
        else:
            body = json.dumps(error_payload(error.code)).encode()
            headers = [("Content-Type", "application/json; charset=utf-8")]
            status = "200 OK"
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers, sys.exc_info())
        return [body]

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Route one request."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        soap = self._soap.get(path) or self._soap.get(path + "/")
        if soap is not None:
            return self._logged(environ, start_response, *soap)
        api = JSON_PATHS.get(path) or JSON_PATHS.get(path + "/")
        if api is not None:
            return self._logged(environ, start_response, api, self._json.serve)
        if path == CONSOLE_PATH or path.startswith(CONSOLE_PATH + "/"):
            return self._logged(environ, start_response, Api.CONSOLE, self._console.serve)
        if path == "/" and method in ("GET", "HEAD"):
            start_response("302 Found", [("Location", CONSOLE_PATH + "/"), ("Content-Length", "0")])
            return [b""]
        if path in (TOKEN_PATH, TOKEN_PATH + "/"):
            return self._logged(environ, start_response, Api.JWT, self._json.issue_token)
        if path == OPENAPI_PATH and method in ("GET", "HEAD"):
            start_response(
                "200 OK",
                [
                    ("Content-Type", "application/json; charset=utf-8"),
                    ("Content-Length", str(len(self._openapi))),
                ],
            )
            return [self._openapi]
        if path == METRICS_PATH and method in ("GET", "HEAD"):
            content_type, text = exposition()
            start_response(
                "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(text)))]
            )
            return [text]
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", b"ok\n")
        if path == READY_PATH and method in ("GET", "HEAD"):
            unready = database_unready(self.core.units)
            if unready is None:
                return _plain(start_response, "200 OK", b"ready\n")
            # The cause is the operator's (it names their setup), not the caller's.
            _log.warning("not ready: %s", unready)
            return _plain(start_response, "503 Service Unavailable", b"database unavailable\n")
        return _plain(start_response, "404 Not Found", b"Not found.\n")


def create_app() -> UserManagementApp:
    """Build the application from the environment (gunicorn's entry point)."""
    core = build_core()
    configure_logs(core.settings.log_level, core.settings.log_format)
    return UserManagementApp(core)
