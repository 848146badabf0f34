"""The WSGI application: routes each path to its transport adapter."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..bootstrap import Core, build_core
from ..domain.caller import Caller
from ..domain.trace import CallTrace
from ..errors import ErrorCode
from ..http.api import JsonApi, error_payload
from ..http.openapi import openapi_json
from ..logs import log_internal_error
from ..soap.faults import CONTENT_TYPES, fault_document
from .body import BodyLimits
from .client import TRACE, client_address
from .soap import SoapRoute

SOAP_PATH = "/api/soap/"
SOAP12_PATH = "/api/soap12/"
HEALTH_PATH = "/health"
READY_PATH = "/health/ready"
# The JSON transports, by path: the Caller's api name.
JSON_PATHS = {"/api/http/": "http", "/api/basic/": "basic", "/api/jwt/": "jwt"}
TOKEN_PATH = "/api/jwt/token"  # noqa: S105 (a path)
OPENAPI_PATH = "/api/openapi.json"

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


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
    """The service's WSGI callable: SOAP 1.1 and 1.2, the JSON transports, OpenAPI, /health."""

    def __init__(self, core: Core) -> None:
        self.core = core
        settings = core.settings
        limits = BodyLimits(
            settings.max_body_bytes, settings.read_timeout, settings.request_timeout
        )
        self.soap11 = SoapRoute(core, limits, "1.1", SOAP_PATH)
        self.soap12 = SoapRoute(core, limits, "1.2", SOAP12_PATH)
        self._soap = {route.path: route for route in (self.soap11, self.soap12)}
        self._json = JsonApi(core.operations, limits)
        self._openapi = openapi_json()

    def _caller(self, environ: Environ, api: str) -> Caller:
        return Caller(client_address(environ, self.core.settings), api, environ.get(TRACE))

    def _logged(
        self,
        environ: Environ,
        start_response: StartResponse,
        api: str,
        handler: Callable[[Environ, StartResponse], Iterable[bytes]],
    ) -> list[bytes]:
        """Serve one API request and queue its API log record; the reply names its id."""
        trace = CallTrace(
            client_address(environ, self.core.settings), api, environ.get("HTTP_USER_AGENT")
        )
        length = environ.get("CONTENT_LENGTH") or "0"
        trace.bytes_in = int(length) if length.isdigit() else 0
        environ[TRACE] = trace

        def recording(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            trace.http_status = int(status[:3])
            return start_response(status, [*headers, ("X-Request-Id", trace.request_id)], *exc_info)

        try:
            iterable = handler(environ, recording)
            try:
                body = list(iterable)
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
        except Exception as error:
            # The adapters answer every failure they know; this is the last resort,
            # still in the API's own format, never the server's HTML error page.
            log_internal_error(error)
            trace.error_code = ErrorCode.INTERNAL_ERROR.name
            body = self._internal_error(api, recording)
        trace.bytes_out = sum(len(chunk) for chunk in body)
        duration_ms = int((time.monotonic() - trace.started) * 1000)
        self.core.api_log.record(trace, duration_ms)
        return body

    def _internal_error(self, api: str, start_response: StartResponse) -> list[bytes]:
        """INTERNAL_ERROR as the API ``api`` answers it (an answer may have been started)."""
        soap = {route.api: route for route in self._soap.values()}.get(api)
        if soap is not None:
            body = fault_document(ErrorCode.INTERNAL_ERROR, soap.soap_version)
            content_type = CONTENT_TYPES[soap.soap_version]
            status = "500 Internal Server Error"
        else:
            body = json.dumps(error_payload(ErrorCode.INTERNAL_ERROR)).encode()
            content_type, status = "application/json; charset=utf-8", "200 OK"
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(status, headers, sys.exc_info())
        return [body]

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Route one request."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        soap = self._soap.get(path) or self._soap.get(path + "/")
        if soap is not None:
            return self._logged(environ, start_response, soap.api, soap)
        api = JSON_PATHS.get(path) or JSON_PATHS.get(path + "/")
        if api is not None:

            def serve(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
                return self._json.serve(environ, start_response, self._caller(environ, api))

            return self._logged(environ, start_response, api, serve)
        if path in (TOKEN_PATH, TOKEN_PATH + "/"):

            def issue(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
                return self._json.issue_token(environ, start_response, self._caller(environ, "jwt"))

            return self._logged(environ, start_response, "jwt", issue)
        if path == OPENAPI_PATH and method in ("GET", "HEAD"):
            start_response(
                "200 OK",
                [
                    ("Content-Type", "application/json; charset=utf-8"),
                    ("Content-Length", str(len(self._openapi))),
                ],
            )
            return [self._openapi]
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", b"ok\n")
        if path == READY_PATH and method in ("GET", "HEAD"):
            if self.core.database_ready():
                return _plain(start_response, "200 OK", b"ready\n")
            return _plain(start_response, "503 Service Unavailable", b"database unavailable\n")
        return _plain(start_response, "404 Not Found", b"Not found.\n")


def create_app() -> UserManagementApp:
    """Build the application from the environment (gunicorn's entry point)."""
    return UserManagementApp(build_core())
