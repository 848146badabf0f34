"""UserService: the Spyne declaration of class ``user``, one operation per entry of the contract."""

from __future__ import annotations

import types
from typing import Any

from spyne import ServiceBase, rpc

from ..app.client import CLIENT_ADDRESS, TRACE
from ..contract import OPERATIONS, Kind, Operation, Parameter, Shape
from ..domain.caller import Caller
from ..domain.credentials import PasswordCredentials
from .faults import to_fault
from .tracing import leaf_texts, note_call
from .types import AddressList, Amount, ChannelList, Int, IntParam, UserServiceFault, text_param
from .wsse import credentials_for

_THROWS = [UserServiceFault]


def _caller(ctx: Any) -> Caller:
    """The caller as the WSGI application identified it."""
    environ = ctx.transport.req_env
    trace = environ.get(TRACE)
    api = "soap11" if trace is None else trace.api
    return Caller(environ.get(CLIENT_ADDRESS) or environ.get("REMOTE_ADDR", ""), api, trace)


def _credentials(ctx: Any, user: Any, password: Any) -> PasswordCredentials:
    """The call's credentials: ``user``/``password`` elements, or a UsernameToken header."""
    return credentials_for(ctx.in_header_doc, user, password)


def _documentation(operation: Operation) -> str:
    """An operation's wsdl:documentation: its compulsory parameters and every code."""
    optional = f" Optional: {', '.join(operation.optional)}." if operation.optional else ""
    codes = ", ".join(code.name for code in operation.codes)
    return (
        f"{operation.summary}. Compulsory: {', '.join(operation.compulsory)}.{optional}"
        f" Faults (detail UserServiceFault/code): {codes}."
        " user/password may come instead in a WS-Security UsernameToken (PasswordText),"
        " which adds INVALID_SECURITY_HEADER and UNSUPPORTED_PASSWORD_TYPE."
    )


def _parameter_type(parameter: Parameter) -> Any:
    """The Spyne type of a request parameter: a named text type, or ``xs:int``."""
    return text_param(parameter.name) if parameter.kind is Kind.TEXT else IntParam


_RESULT_TYPES = {
    Shape.DECIMAL: Amount,
    Shape.INT: Int,
    Shape.ADDRESSES: AddressList,
    Shape.CHANNELS: ChannelList,
}


def _declared(operation: Operation) -> Any:
    """The Spyne operation of ``operation``: its parameters in order, its result, its fault.

    The function hands the received values, by name, to the core's method of the same name.
    """
    names = [parameter.name for parameter in operation.parameters]

    def call(ctx: Any, user: Any, password: Any, *arguments: Any) -> Any:
        run = getattr(ctx.udc, operation.name)
        return run(
            _caller(ctx),
            _credentials(ctx, user, password),
            **dict(zip(names, arguments, strict=True)),
        )

    call.__name__ = call.__qualname__ = operation.name
    call.__doc__ = _documentation(operation)
    returns: dict[str, Any] = {}
    if operation.result.shape is not Shape.NOTHING:
        returns = {
            "_returns": _RESULT_TYPES[operation.result.shape],
            "_out_variable_name": operation.result.name,
        }
    return rpc(
        *(_parameter_type(parameter) for parameter in operation.inputs),
        _args=tuple(parameter.name for parameter in operation.inputs),
        _throws=_THROWS,
        **returns,
    )(call)


def _call_wrapper(cls: Any, ctx: Any, args: Any = None) -> Any:
    """Run the operation; every error leaves as a coded fault."""
    trace = ctx.transport.req_env.get(TRACE)
    if trace is not None:
        note_call(trace, ctx.descriptor.name, leaf_texts(ctx.in_body_doc))
    try:
        result = super(UserService, cls).call_wrapper(ctx, args)
    except Exception as error:
        fault = to_fault(error)
        if fault.retry_after is not None:
            ctx.transport.resp_headers["Retry-After"] = str(fault.retry_after)
        raise fault from None
    if trace is not None:
        trace.succeeded(result)
    return result


def _body(namespace: dict[str, Any]) -> None:
    namespace["__module__"] = __name__
    namespace["__doc__"] = (
        "Class ``user`` of the User Management API, one operation per entry of the contract."
        " ``ctx.udc`` is the core's ``UserOperations``."
    )
    namespace["call_wrapper"] = classmethod(_call_wrapper)
    namespace.update({name: _declared(operation) for name, operation in OPERATIONS.items()})


UserService: type[ServiceBase] = types.new_class("UserService", (ServiceBase,), exec_body=_body)
