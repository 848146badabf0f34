"""UserService: one thin SOAP operation per method of class ``user``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spyne import ServiceBase, rpc

from ..app.client import CLIENT_ADDRESS, TRACE
from ..domain.caller import Caller
from ..domain.credentials import PasswordCredentials
from ..operations import METHODS
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


def _documented(function: Callable[..., Any]) -> Callable[..., Any]:
    """Give an operation its wsdl:documentation: compulsory parameters and every code."""
    method = METHODS[function.__name__]
    optional = f" Optional: {', '.join(method.optional)}." if method.optional else ""
    codes = ", ".join(code.name for code in method.codes)
    function.__doc__ = (
        f"{method.summary}. Compulsory: {', '.join(method.compulsory)}.{optional}"
        f" Faults (detail UserServiceFault/code): {codes}."
        " user/password may come instead in a WS-Security UsernameToken (PasswordText),"
        " which adds INVALID_SECURITY_HEADER and UNSUPPORTED_PASSWORD_TYPE."
    )
    return function


class UserService(ServiceBase):
    """Class ``user`` of the User Management API. ``ctx.udc`` is the core's ``UserOperations``."""

    @classmethod
    def call_wrapper(cls, ctx: Any, args: Any = None) -> Any:
        """Run the operation; every error leaves as a coded fault."""
        trace = ctx.transport.req_env.get(TRACE)
        if trace is not None:
            note_call(trace, ctx.descriptor.name, leaf_texts(ctx.in_body_doc))
        try:
            result = super().call_wrapper(ctx, args)
        except Exception as error:
            fault = to_fault(error)
            if fault.retry_after is not None:
                ctx.transport.resp_headers["Retry-After"] = str(fault.retry_after)
            raise fault from None
        if trace is not None:
            trace.succeeded(result)
        return result

    @rpc(
        text_param("user"),
        text_param("password"),
        _returns=Amount,
        _out_variable_name="balance",
        _throws=_THROWS,
    )
    @_documented
    def getbalance(ctx, user, password):
        return ctx.udc.getbalance(_caller(ctx), _credentials(ctx, user, password))

    @rpc(
        text_param("user"),
        text_param("password"),
        text_param("namelastname"),
        IntParam,
        text_param("companyname"),
        text_param("documentid"),
        text_param("countrycode"),
        IntParam,
        text_param("cityname"),
        text_param("zipcode"),
        text_param("address"),
        _returns=Int,
        _out_variable_name="idaddress",
        _throws=_THROWS,
    )
    @_documented
    def addaddress(
        ctx,
        user,
        password,
        namelastname,
        iscompany,
        companyname,
        documentid,
        countrycode,
        cityid,
        cityname,
        zipcode,
        address,
    ):
        return ctx.udc.addaddress(
            _caller(ctx),
            _credentials(ctx, user, password),
            namelastname,
            iscompany,
            companyname,
            documentid,
            countrycode,
            cityid,
            cityname,
            zipcode,
            address,
        )

    @rpc(
        text_param("user"),
        text_param("password"),
        IntParam,
        _throws=_THROWS,
    )
    @_documented
    def deleteaddress(ctx, user, password, idaddress):
        ctx.udc.deleteaddress(_caller(ctx), _credentials(ctx, user, password), idaddress)

    @rpc(
        text_param("user"),
        text_param("password"),
        _returns=AddressList,
        _out_variable_name="list",
        _throws=_THROWS,
    )
    @_documented
    def getaddresses(ctx, user, password):
        return ctx.udc.getaddresses(_caller(ctx), _credentials(ctx, user, password))

    @rpc(
        text_param("user"),
        text_param("password"),
        _returns=ChannelList,
        _out_variable_name="list",
        _throws=_THROWS,
    )
    @_documented
    def getchannels(ctx, user, password):
        return ctx.udc.getchannels(_caller(ctx), _credentials(ctx, user, password))

    @rpc(
        text_param("user"),
        text_param("password"),
        text_param("channelname"),
        IntParam,
        _throws=_THROWS,
    )
    @_documented
    def modifychannel(ctx, user, password, channelname, active):
        ctx.udc.modifychannel(_caller(ctx), _credentials(ctx, user, password), channelname, active)
