"""One SOAP endpoint (1.1 or 1.2): its WSDL, and calls read within the body limits."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from typing import Any

from ..bootstrap import Core
from ..domain.caller import Caller
from ..errors import ErrorCode
from ..soap.application import SoapEndpoint, build_spyne_application
from ..soap.fastpath import FastPath
from ..soap.faults import (
    CONTENT_TYPES,
    SOAP11_ENV,
    SOAP12_ENV,
    CodedFault,
    fault_document,
    fault_status,
    to_fault,
)
from ..soap.protocol import PARSED_REQUEST, VersionMismatch, check_request, parse_document
from ..soap.wsdl import build_wsdl, with_address
from .body import BodyError, BodyLimits, read_body
from .client import CLIENT_ADDRESS, TRACE, client_address, public_base_url

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


def _is_wsdl_request(environ: Environ) -> bool:
    query = environ.get("QUERY_STRING", "")
    return query.split("=", 1)[0].split("&", 1)[0].lower() == "wsdl"


class SoapRoute:
    """Serves POSTed calls and ``GET ?wsdl`` for one SOAP version at one path."""

    def __init__(self, core: Core, limits: BodyLimits, soap_version: str, path: str) -> None:
        self._core = core
        self._limits = limits
        self.soap_version = soap_version
        self.path = path
        self.api = "soap12" if soap_version == "1.2" else "soap11"
        self._envelope_ns = SOAP12_ENV if soap_version == "1.2" else SOAP11_ENV
        application = build_spyne_application(core.operations, soap_version)
        self.wsdl = build_wsdl(application)
        self._endpoint = SoapEndpoint(application)
        fast = core.settings.soap_fast_path
        self._fast = FastPath(core.operations, soap_version) if fast else None

    def wsdl_for(self, environ: Environ) -> bytes:
        """The WSDL with the address this request came in on."""
        base = public_base_url(environ, self._core.settings)
        return with_address(self.wsdl, base + self.path)

    def _fault(
        self,
        environ: Environ,
        start_response: StartResponse,
        fault: CodedFault,
        *,
        status: str | None = None,
        close: bool = False,
        replacing: bool = False,
    ) -> list[bytes]:
        """Answer ``fault`` in the client's SOAP version.

        ``close``: the body was not read whole, or the worker is not to be trusted
        with the connection; ``replacing``: an answer may have been started already.
        """
        trace = environ.get(TRACE)
        if trace is not None:
            trace.error_code = fault.code.name
        version = fault.soap_version if isinstance(fault, VersionMismatch) else self.soap_version
        body = fault_document(fault.code, version, fault.retry_after, fault.header)
        headers = [("Content-Type", CONTENT_TYPES[version])]
        if fault.retry_after is not None:
            headers.append(("Retry-After", str(fault.retry_after)))
        headers.append(("Content-Length", str(len(body))))
        if close:
            # A body left half-read cannot be followed by another request.
            headers.append(("Connection", "close"))
        status = status or fault_status(fault.code, version)
        start_response(status, headers, *([sys.exc_info()] if replacing else []))
        return [body]

    def _call(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Read and check the request, then answer it on the fast path or with Spyne.

        Whatever fails on the way, even writing the answer, the client gets a
        coded fault: never an HTML error page or an empty envelope.
        """
        try:
            body = read_body(environ, self._limits)
        except BodyError as error:
            fault = CodedFault(error.code)
            return self._fault(environ, start_response, fault, status=error.status, close=True)
        try:
            if not body.strip():
                raise CodedFault(ErrorCode.MALFORMED_REQUEST)
            root = parse_document(body)
            source_ip = client_address(environ, self._core.settings)
            if self._fast is not None:
                caller = Caller(source_ip, self.api, environ.get(TRACE))
                answer = self._fast.serve(root, caller, start_response)
                if answer is not None:
                    return answer
            check_request(root, self._envelope_ns)
        except CodedFault as fault:
            return self._fault(environ, start_response, fault)
        # Spyne reads the request as parsed here.
        environ = {
            **environ,
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            CLIENT_ADDRESS: source_ip,
            PARSED_REQUEST: root,
        }
        try:
            return list(self._endpoint(environ, start_response))
        except Exception as error:
            # Spyne failed outside its own error handling; the client still gets a fault.
            fault = to_fault(error)  # logs it, without its text
            return self._fault(environ, start_response, fault, close=True, replacing=True)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """POST: a call; GET ?wsdl: the WSDL; anything else: 405."""
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method == "POST":
            return self._call(environ, start_response)
        if method in ("GET", "HEAD") and _is_wsdl_request(environ):
            trace = environ.get(TRACE)
            if trace is not None:
                trace.method = "wsdl"
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
