"""The one place where errors become SOAP faults."""

from __future__ import annotations

from lxml import etree
from lxml.builder import ElementMaker
from spyne import Fault

from ..errors import ErrorCode, UserApiError
from ..logs import log_internal_error
from .types import NAMESPACE

_E = ElementMaker(namespace=NAMESPACE, nsmap={"tns": NAMESPACE})
_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_ENV = ElementMaker(namespace=_SOAP_ENV, nsmap={"soap11env": _SOAP_ENV, "tns": NAMESPACE})
_PLAIN = ElementMaker()

# Spyne's own faults for requests that name no operation we have.
_UNKNOWN_OPERATION = ("Client.ResourceNotFound", "Client.MethodNotFound")


def _detail(code: ErrorCode, retry_after: int | None) -> etree._Element:
    """The typed detail: UserServiceFault with code, description and maybe retryafter."""
    detail = _E.UserServiceFault(_E.code(code.name), _E.description(code.description))
    if retry_after is not None:
        detail.append(_E.retryafter(str(retry_after)))
    return detail


class CodedFault(Fault):
    """A fault for a catalogue code: ``Client.<CODE>``/``Server.<CODE>``, typed detail."""

    def __init__(self, code: ErrorCode, retry_after: int | None = None) -> None:
        super().__init__(
            faultcode=code.faultcode,
            faultstring=code.description,
            detail=_detail(code, retry_after),
        )
        self.code = code
        self.retry_after = retry_after


def fault_document(code: ErrorCode) -> bytes:
    """A whole SOAP 1.1 fault envelope for ``code``, for errors found before Spyne runs.

    The same shape Spyne gives every other fault.
    """
    envelope = _ENV.Envelope(
        _ENV.Body(
            _ENV.Fault(
                _PLAIN.faultcode(f"soap11env:{code.faultcode}"),
                _PLAIN.faultstring(code.description),
                _PLAIN.faultactor(""),
                _PLAIN.detail(_detail(code, None)),
            )
        )
    )
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def code_for(error: BaseException) -> ErrorCode:
    """The catalogue code for any error raised while serving a SOAP request."""
    if isinstance(error, UserApiError):
        return error.code
    if isinstance(error, Fault):
        faultcode = error.faultcode or ""
        if faultcode.startswith(_UNKNOWN_OPERATION):
            return ErrorCode.INCORRECT_METHOD
        if faultcode == "Client" or faultcode.startswith("Client."):
            return ErrorCode.MALFORMED_REQUEST
    return ErrorCode.INTERNAL_ERROR


def to_fault(error: BaseException) -> CodedFault:
    """The coded fault a client gets for ``error``; unexpected errors are logged here.

    Only the exception's type and where it was raised are logged: an exception's
    text can carry SQL, parameters or paths.
    """
    if isinstance(error, CodedFault):
        return error
    code = code_for(error)
    if code is ErrorCode.INTERNAL_ERROR:
        log_internal_error(error)
    return CodedFault(code, error.retry_after if isinstance(error, UserApiError) else None)
