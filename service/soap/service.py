"""UserService: the Spyne declaration of class ``user``, one operation per entry of the contract.

Spyne publishes the WSDL from it; the SOAP codec (``codec``) answers the calls.
"""

from __future__ import annotations

import types
from typing import Any

from spyne import ServiceBase, rpc

from ..contract import OPERATIONS, Kind, Operation, Parameter, Shape
from .types import AddressList, Amount, ChannelList, Int, IntParam, UserServiceFault, text_param

_THROWS = [UserServiceFault]


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
    """The Spyne operation of ``operation``: its parameters in order, its result, its fault."""

    def call(ctx: Any, *arguments: Any) -> Any:
        raise NotImplementedError("the SOAP codec answers calls; Spyne only publishes the WSDL")

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


def _body(namespace: dict[str, Any]) -> None:
    namespace["__module__"] = __name__
    namespace["__doc__"] = (
        "Class ``user`` of the User Management API, one operation per entry of the contract."
    )
    namespace.update({name: _declared(operation) for name, operation in OPERATIONS.items()})


UserService: type[ServiceBase] = types.new_class("UserService", (ServiceBase,), exec_body=_body)
