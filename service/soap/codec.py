"""The SOAP codec: every call of class ``user`` on SOAP 1.1 and 1.2, driven by the contract table.

A request body becomes a ``Call`` for the dispatcher: the envelope is parsed
and checked (``envelope``), the Body's one element names the operation (in our
namespace), and each of its parameters is read from the child element of that
local name (the last one when repeated in another namespace; other children are
ignored). Values reach the core as received, because the documented precedence
needs them so: credentials are checked before any parameter, and absent is not
the same as empty. So an absent element (or one marked ``xsi:nil``) is None, an
empty one ``""``, a text parameter its text as sent and a number its text less
XML white space; the core answers them with the catalogue's codes. The
credentials are the ``user``/``password`` elements or a WS-Security
UsernameToken in the Header (``wsse``).

The outcome becomes the response document (``<method>Response`` holding the
contract's result element) or the one fault writer's envelope (``faults``).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, NamedTuple

from lxml import etree

from ..contract import CLASS, NAMESPACE, OPERATIONS, Kind, Operation, Shape
from ..dispatch.context import RequestContext
from ..dispatch.dispatcher import Call, Dispatcher, Outcome
from ..domain.address import Address
from ..domain.channel import Channel
from ..domain.values import Raw
from ..errors import ErrorCode, UserApiError
from .envelope import ENVELOPES, XML_SPACE, read_request
from .faults import CONTENT_TYPES, EnvelopeFault, fault_document, fault_status
from .wsse import credentials_for

_PREFIX = {"1.1": "soap11env", "1.2": "soap12env"}
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
# Wrapper member names of the list types (soap/types.py: AddressList, ChannelList).
_MEMBERS: dict[type[Address | Channel], str] = {Address: "address", Channel: "channel"}
_MARK = "VALUE-GOES-HERE"


class Reply(NamedTuple):
    """An HTTP answer: status line, headers (Content-Length aside) and body."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _leaf(value: Any) -> str:
    """A leaf value's text: decimals and ints with str()."""
    return value if isinstance(value, str) else str(value)


def _member_template(kind: type[Address | Channel]) -> tuple[etree._Element, tuple[str, ...]]:
    """An empty list member of ``kind`` (one leaf per field, in order) and its field names."""
    names = tuple(field.name for field in dataclasses.fields(kind))
    member = etree.Element(f"{{{NAMESPACE}}}{_MEMBERS[kind]}", nsmap={"tns": NAMESPACE})
    for name in names:
        etree.SubElement(member, f"{{{NAMESPACE}}}{name}")
    return member, names


_TEMPLATES = {kind: _member_template(kind) for kind in _MEMBERS}


def _write_list(element: etree._Element, items: list[Address] | list[Channel]) -> None:
    for item in items:
        # Copying a built member is a C call; building its leaves one by one is not.
        template, names = _TEMPLATES[type(item)]
        member = copy.deepcopy(template)
        for leaf, field in zip(member, names, strict=True):
            leaf.text = _leaf(getattr(item, field))
        element.append(member)


def _argument(element: etree._Element | None, kind: Kind) -> Raw:
    """A parameter as received: None when absent or nil, ``""`` when empty, else its text."""
    if element is None or element.get(_XSI_NIL):
        return None
    text = element.text
    if not text:
        return ""
    return text if kind is Kind.TEXT else text.strip(XML_SPACE)


class SoapCodec:
    """Decodes and answers the calls of one SOAP version."""

    def __init__(self, dispatcher: Dispatcher, soap_version: str) -> None:
        self._dispatcher = dispatcher
        self.soap_version = soap_version
        self._envelope_ns = ENVELOPES[soap_version]
        self._envelope_tag = f"{{{self._envelope_ns}}}Envelope"
        self._body_tag = f"{{{self._envelope_ns}}}Body"
        self._nsmap = {_PREFIX[soap_version]: self._envelope_ns, "tns": NAMESPACE}
        self._content_type = (("Content-Type", CONTENT_TYPES[soap_version]),)
        self._operations = {f"{{{NAMESPACE}}}{name}": op for name, op in OPERATIONS.items()}
        # Documents of scalar and empty results, split where the value goes.
        self._templates = {
            name: tuple(self._document(operation, _MARK).split(_MARK.encode()))
            for name, operation in OPERATIONS.items()
            if operation.result.shape in (Shape.DECIMAL, Shape.INT, Shape.NOTHING)
        }

    def answer(self, context: RequestContext, body: bytes) -> Reply:
        """The answer to one request body: the operation's response or a coded fault."""
        outcome = self._dispatcher.dispatch(context, lambda: self._decode(context, body))
        if outcome.error is None:
            try:
                return Reply("200 OK", self._content_type, self._response(outcome))
            except Exception as error:
                # An answer that cannot be written is a fault like any other.
                outcome = self._dispatcher.failed(context, error)
        assert outcome.error is not None
        return self.fault(outcome.error)

    def fault(self, error: UserApiError) -> Reply:
        """``error`` as a fault in this endpoint's SOAP version (or the one it names)."""
        version, header = self.soap_version, tuple[etree._Element, ...]()
        if isinstance(error, EnvelopeFault):
            version, header = error.soap_version or version, error.header
        headers = [("Content-Type", CONTENT_TYPES[version])]
        if error.retry_after is not None:
            headers.append(("Retry-After", str(error.retry_after)))
        body = fault_document(error.code, version, error.retry_after, header)
        return Reply(fault_status(error.code, version), tuple(headers), body)

    def _decode(self, context: RequestContext, body: bytes) -> Call:
        request = read_request(body, self._envelope_ns)
        headers = None if request.header is None else list(request.header)
        # Tags are strings here: read_request refused entity references.
        tag = str(request.call.tag)
        elements = request.parameters
        context.asked(
            CLASS,
            tag.rpartition("}")[2],
            {name: element.text or "" for name, element in elements.items()},
        )
        operation = self._operations.get(tag)
        if operation is None:
            raise UserApiError(ErrorCode.INCORRECT_METHOD)
        user = _argument(elements.get("user"), Kind.TEXT)
        password = _argument(elements.get("password"), Kind.TEXT)
        return Call(
            operation.name,
            lambda: credentials_for(headers, user, password),
            {p.name: _argument(elements.get(p.name), p.kind) for p in operation.parameters},
        )

    def _response(self, outcome: Outcome) -> bytes:
        assert outcome.call is not None
        operation = OPERATIONS[outcome.call.method]
        template = self._templates.get(operation.name)
        if template is not None:
            # A number's text needs no escaping: the document around it is fixed.
            value = b"" if outcome.value is None else str(outcome.value).encode()
            return value.join(template)
        return self._document(operation, outcome.value)

    def _document(self, operation: Operation, value: Any) -> bytes:
        """The response document of ``operation`` carrying ``value``."""
        envelope = etree.Element(self._envelope_tag, nsmap=self._nsmap)
        response = etree.SubElement(
            etree.SubElement(envelope, self._body_tag), f"{{{NAMESPACE}}}{operation.name}Response"
        )
        if operation.result.name is not None:
            element = etree.SubElement(response, f"{{{NAMESPACE}}}{operation.result.name}")
            if isinstance(value, list):
                _write_list(element, value)
            else:
                element.text = _leaf(value)
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
