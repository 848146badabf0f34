"""The SOAP 1.1 WSGI application: Spyne app, fault translation and the published WSDL."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from spyne import Application
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from ..app.client import TRACE
from ..operations import UserOperations
from .faults import to_fault
from .protocol import RequestSoap11, RequestSoap12, ResponseSoap12
from .service import UserService
from .types import NAMESPACE


def _quiet_spyne_logs() -> None:
    # Spyne logs every client fault with a traceback and server faults with the
    # request; our fault translation logs what an operator needs, nothing more.
    logging.getLogger("spyne").setLevel(logging.CRITICAL + 1)


def build_spyne_application(operations: UserOperations, soap_version: str = "1.1") -> Application:
    """The Spyne application of UserService in SOAP 1.1 or 1.2, handing ``operations`` over."""
    _quiet_spyne_logs()
    if soap_version == "1.2":
        protocols = {"in_protocol": RequestSoap12(validator=None), "out_protocol": ResponseSoap12()}
    else:
        protocols = {"in_protocol": RequestSoap11(validator=None), "out_protocol": Soap11()}
    application = Application([UserService], tns=NAMESPACE, name="UserService", **protocols)

    def _hand_over(ctx: Any) -> None:
        ctx.udc = operations

    application.event_manager.add_listener("method_call", _hand_over)
    return application


class SoapEndpoint(WsgiApplication):
    """Spyne's WSGI server with every error turned into a coded fault."""

    def handle_error(
        self, p_ctx: Any, others: Any, error: Any, start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Serialise ``error`` as the coded fault of the catalogue."""
        fault = to_fault(error)
        trace = p_ctx.transport.req_env.get(TRACE)
        if trace is not None:
            trace.error_code = fault.code.name
        p_ctx.in_error = None
        p_ctx.out_error = fault
        # An answer that failed half-written is discarded (Spyne would send what it
        # had, as a success): the fault is written anew with its own status.
        p_ctx.out_document = p_ctx.out_body_doc = p_ctx.out_string = None
        p_ctx.transport.resp_code = None
        return super().handle_error(p_ctx, others, fault, start_response)
