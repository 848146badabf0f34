"""The WSGI application: routes each path to its transport adapter."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from typing import Any

from ..bootstrap import Core, build_core
from ..domain.caller import Caller
from ..errors import ErrorCode
from ..http.api import JsonApi
from ..soap.application import SoapEndpoint, build_spyne_application
from ..soap.faults import fault_document, to_fault
from ..soap.wsdl import build_wsdl, with_address
from .body import BodyError, BodyLimits, read_body
from .client import CLIENT_ADDRESS, client_address, public_base_url

SOAP_PATH = "/api/soap/"
HEALTH_PATH = "/health"
# The JSON transports, by path: the Caller's api name.
JSON_PATHS = {"/api/http/": "http", "/api/basic/": "basic", "/api/jwt/": "jwt"}
TOKEN_PATH = "/api/jwt/token"  # noqa: S105 (a path)

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


_FAULT_STATUS = "500 Internal Server Error"


def _soap_fault(
    start_response: StartResponse, status: str, code: ErrorCode, replacing: bool = False
) -> list[bytes]:
    body = fault_document(code)
    start_response(
        status,
        [
            ("Content-Type", "text/xml; charset=utf-8"),
            ("Content-Length", str(len(body))),
            # A body left half-read cannot be followed by another request.
            ("Connection", "close"),
        ],
        *([sys.exc_info()] if replacing else []),
    )
    return [body]


def _is_wsdl_request(environ: Environ) -> bool:
    query = environ.get("QUERY_STRING", "")
    return query.split("=", 1)[0].split("&", 1)[0].lower() == "wsdl"


class UserManagementApp:
    """The service's WSGI callable: SOAP at /api/soap/, its WSDL at ?wsdl, /health."""

    def __init__(self, core: Core) -> None:
        self.core = core
        application = build_spyne_application(core.operations)
        self._wsdl = build_wsdl(application)
        self._soap = SoapEndpoint(application)
        settings = core.settings
        self._limits = BodyLimits(
            settings.max_body_bytes, settings.read_timeout, settings.request_timeout
        )
        self._json = JsonApi(core.operations, self._limits)

    def _caller(self, environ: Environ, api: str) -> Caller:
        return Caller(client_address(environ, self.core.settings), api)

    def wsdl_for(self, environ: Environ) -> bytes:
        """The WSDL with the address this request came in on."""
        return with_address(self._wsdl, public_base_url(environ, self.core.settings) + SOAP_PATH)

    def _soap_call(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Read the body within its limits, then hand it to Spyne."""
        try:
            body = read_body(environ, self._limits)
        except BodyError as error:
            return _soap_fault(start_response, error.status, error.code)
        if not body.strip():
            return _soap_fault(start_response, _FAULT_STATUS, ErrorCode.MALFORMED_REQUEST)
        environ = {
            **environ,
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            CLIENT_ADDRESS: client_address(environ, self.core.settings),
        }
        try:
            return self._soap(environ, start_response)
        except Exception as error:
            # Spyne failed outside its own error handling; the client still gets a fault.
            to_fault(error)  # logs it, without its text
            return _soap_fault(start_response, _FAULT_STATUS, ErrorCode.INTERNAL_ERROR, True)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Route one request."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path in (SOAP_PATH, SOAP_PATH.rstrip("/")):
            if method == "POST":
                return self._soap_call(environ, start_response)
            if method in ("GET", "HEAD") and _is_wsdl_request(environ):
                body = self.wsdl_for(environ)
                start_response(
                    "200 OK",
                    [
                        ("Content-Type", "text/xml; charset=utf-8"),
                        ("Content-Length", str(len(body))),
                    ],
                )
                return [] if method == "HEAD" else [body]
            return _plain(
                start_response,
                "405 Method Not Allowed",
                b"POST a SOAP 1.1 envelope here; GET ?wsdl for the WSDL.\n",
                ("Allow", "GET, HEAD, POST"),
            )
        api = JSON_PATHS.get(path) or JSON_PATHS.get(path + "/")
        if api is not None:
            return self._json.serve(environ, start_response, self._caller(environ, api))
        if path in (TOKEN_PATH, TOKEN_PATH + "/"):
            return self._json.issue_token(environ, start_response, self._caller(environ, "jwt"))
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", b"ok\n")
        return _plain(start_response, "404 Not Found", b"Not found.\n")


def create_app() -> UserManagementApp:
    """Build the application from the environment (gunicorn's entry point)."""
    return UserManagementApp(build_core())
