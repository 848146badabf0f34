"""The WSGI application: routes each path to its transport adapter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from .bootstrap import Core, build_core
from .settings import Settings
from .soap.application import SoapEndpoint, build_spyne_application
from .soap.wsdl import build_wsdl, with_address

SOAP_PATH = "/api/soap/"
HEALTH_PATH = "/health"

StartResponse = Callable[..., Any]
Environ = dict[str, Any]

# What a Host header may look like: a name or IPv4/IPv6 literal and a port. Anything
# else never reaches the WSDL (it would be an injection into the document).
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")


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


def public_base_url(environ: Environ, settings: Settings) -> str:
    """The base URL the client used: configured, from a trusted proxy, or from Host."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST", "")
    if settings.trusted_proxies and settings.is_trusted_proxy(environ.get("REMOTE_ADDR", "")):
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
        scheme = proto if proto in ("http", "https") else scheme
        host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip() or host
    if not _HOST.match(host):
        host = f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{scheme}://{host}"


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

    def wsdl_for(self, environ: Environ) -> bytes:
        """The WSDL with the address this request came in on."""
        return with_address(self._wsdl, public_base_url(environ, self.core.settings) + SOAP_PATH)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Route one request."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path in (SOAP_PATH, SOAP_PATH.rstrip("/")):
            if method == "POST":
                return self._soap(environ, start_response)
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
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", b"ok\n")
        return _plain(start_response, "404 Not Found", b"Not found.\n")


def create_app() -> UserManagementApp:
    """Build the application from the environment (gunicorn's entry point)."""
    return UserManagementApp(build_core())
