"""One SOAP endpoint (1.1 or 1.2): its WSDL, and calls read within the body limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..contract import WSDL
from ..dispatch.context import RequestContext
from ..dispatch.dispatcher import Dispatcher
from ..errors import HttpError
from ..settings import Settings
from ..soap.codec import Reply, SoapCodec
from ..soap.wsdl import build_wsdl, with_address
from .body import BodyLimits, read_body
from .client import public_base_url

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


def _is_wsdl_request(environ: Environ) -> bool:
    query = environ.get("QUERY_STRING", "")
    return query.split("=", 1)[0].split("&", 1)[0].lower() == "wsdl"


class SoapRoute:
    """Serves POSTed calls and ``GET ?wsdl`` for one SOAP version at one path."""

    def __init__(
        self,
        settings: Settings,
        dispatcher: Dispatcher,
        limits: BodyLimits,
        soap_version: str,
        path: str,
    ) -> None:
        self._settings = settings
        self._limits = limits
        self.soap_version = soap_version
        self.path = path
        self.codec = SoapCodec(dispatcher, soap_version)
        self.wsdl = build_wsdl(soap_version)

    def wsdl_for(self, environ: Environ) -> bytes:
        """The WSDL with the address this request came in on."""
        base = public_base_url(environ, self._settings)
        return with_address(self.wsdl, base + self.path)

    def _call(self, environ: Environ, context: RequestContext) -> tuple[Reply, bool]:
        """The answer to a POSTed call, and whether the connection is to be closed.

        A body that was not read whole cannot be followed by another request.
        """
        try:
            body = read_body(environ, self._limits)
        except HttpError as error:
            context.error_code = error.code.name
            fault = self.codec.fault(error)
            return Reply(error.status, fault.headers, fault.body), True
        return self.codec.answer(context, body), False

    def __call__(
        self, environ: Environ, start_response: StartResponse, context: RequestContext
    ) -> Iterable[bytes]:
        """POST: a call; GET ?wsdl: the WSDL; anything else: 405."""
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method == "POST":
            reply, close = self._call(environ, context)
            headers = [*reply.headers, ("Content-Length", str(len(reply.body)))]
            if close:
                headers.append(("Connection", "close"))
            start_response(reply.status, headers)
            return [reply.body]
        if method in ("GET", "HEAD") and _is_wsdl_request(environ):
            context.method = WSDL
            body = self.wsdl_for(environ)
            start_response(
                "200 OK",
                [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [] if method == "HEAD" else [body]
        message = f"POST a SOAP {self.soap_version} envelope here; GET ?wsdl for the WSDL.\n"
        body = message.encode()
        start_response(
            "405 Method Not Allowed",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Allow", "GET, HEAD, POST"),
            ],
        )
        return [body]
