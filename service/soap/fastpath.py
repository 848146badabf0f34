"""A direct path for the read calls every client makes, answering exactly as Spyne would.

getbalance, getaddresses and getchannels are called on every send of a client's
system; Spyne's per-call machinery (contexts, events, generic (de)serialisation)
costs several times what the call itself does (bench/run.py measures both). For
a request of the plain shape generated stubs send (an Envelope without Header
whose Body holds one of these calls, with at most one ``user`` and one
``password`` text element in our namespace) this module calls the core and
writes the response itself. Every other request (headers, WS-Security, extra or
repeated elements, attributes, other operations) goes to Spyne unchanged.
tests/unit/test_fastpath.py proves both paths answer a corpus of requests,
including every fault these calls can give, byte for byte alike.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml import etree

from ..contract import OPERATIONS
from ..domain.address import Address
from ..domain.caller import Caller
from ..domain.channel import Channel
from ..operations import UserOperations
from .faults import (
    CONTENT_TYPES,
    SOAP11_ENV,
    SOAP12_ENV,
    fault_document,
    fault_status,
    to_fault,
)
from .tracing import note_call
from .types import NAMESPACE
from .wsse import credentials_for

_ENVELOPE = {"1.1": SOAP11_ENV, "1.2": SOAP12_ENV}
_PREFIX = {"1.1": "soap11env", "1.2": "soap12env"}
_PARAMETERS = {f"{{{NAMESPACE}}}user": "user", f"{{{NAMESPACE}}}password": "password"}
# The plain reads this path answers, each with the name of its response's result element.
_RESULTS = {
    name: OPERATIONS[name].result.name for name in ("getbalance", "getaddresses", "getchannels")
}
# Wrapper member names of the list types (soap/types.py: AddressList, ChannelList).
_MEMBERS = {Address: "address", Channel: "channel"}

StartResponse = Callable[..., Any]
_MARK = "VALUE-GOES-HERE"


def _text(text: str | None) -> bool:
    """True for text that is more than whitespace between elements."""
    return bool(text and not text.isspace())


def _leaf(value: Any) -> str:
    """A leaf value as Spyne writes it: decimals and ints with str()."""
    return value if isinstance(value, str) else str(value)


@functools.cache
def _member_template(kind: type) -> tuple[etree._Element, tuple[str, ...]]:
    """An empty list member of ``kind`` (one leaf per field, in order) and its field names."""
    names = tuple(field.name for field in dataclasses.fields(kind))
    member = etree.Element(f"{{{NAMESPACE}}}{_MEMBERS[kind]}", nsmap={"tns": NAMESPACE})
    for name in names:
        etree.SubElement(member, f"{{{NAMESPACE}}}{name}")
    return member, names


def _write_result(parent: etree._Element, name: str, value: Any) -> None:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if isinstance(value, list):
        for item in value:
            # Copying a built member is a C call; building its leaves one by one is not.
            template, names = _member_template(type(item))
            member = copy.deepcopy(template)
            for leaf, field in zip(member, names, strict=True):
                leaf.text = _leaf(getattr(item, field))
            element.append(member)
    else:
        element.text = _leaf(value)


class FastPath:
    """Serves the plain-shaped read calls of one SOAP version without Spyne."""

    def __init__(self, operations: UserOperations, soap_version: str) -> None:
        self._operations = operations
        self.soap_version = soap_version
        ns = _ENVELOPE[soap_version]
        self._envelope_tag = f"{{{ns}}}Envelope"
        self._body_tag = f"{{{ns}}}Body"
        self._nsmap = {_PREFIX[soap_version]: ns, "tns": NAMESPACE}
        self._calls = {f"{{{NAMESPACE}}}{name}": name for name in _RESULTS}
        self._content_type = CONTENT_TYPES[soap_version]
        # The document of the scalar result (getbalance's), split where the value goes.
        self._scalar_documents = {
            method: tuple(self._document(method, _MARK).split(_MARK.encode()))
            for method, name in _RESULTS.items()
            if name != "list"
        }

    def _call(self, root: etree._Element) -> tuple[str, dict[str, str]] | None:
        """The operation and its parameters, if the request has the plain shape.

        The shape bounds the whole tree (four levels, at most five elements), so
        the generic depth and size walk of ``parse_request`` has nothing to add.
        """
        if root.tag != self._envelope_tag or root.attrib or len(root) != 1 or _text(root.text):
            return None  # a Header (WS-Security ...), attributes or text: Spyne reads those
        body = root[0]
        if body.tag != self._body_tag or body.attrib or len(body) != 1 or _text(body.text):
            return None
        call = body[0]
        method = self._calls.get(call.tag)
        if method is None or call.attrib or _text(call.text) or _text(call.tail):
            return None
        parameters: dict[str, str] = {}
        for child in call:
            name = _PARAMETERS.get(child.tag)
            if name is None or name in parameters or child.attrib or len(child):
                return None
            if _text(child.tail):
                return None
            parameters[name] = child.text or ""
        return method, parameters

    def _respond(
        self, start_response: StartResponse, status: str, body: bytes, *headers: tuple[str, str]
    ) -> list[bytes]:
        start_response(
            status,
            # Spyne's order: its extra headers come before the length.
            [("Content-Type", self._content_type), *headers, ("Content-Length", str(len(body)))],
        )
        return [body]

    def _fault(self, start_response: StartResponse, error: Exception, trace: Any) -> list[bytes]:
        fault = to_fault(error)
        if trace is not None:
            trace.error_code = fault.code.name
        body = fault_document(fault.code, self.soap_version, fault.retry_after)
        status = fault_status(fault.code, self.soap_version)
        retry = () if fault.retry_after is None else (("Retry-After", str(fault.retry_after)),)
        return self._respond(start_response, status, body, *retry)

    def serve(
        self, root: etree._Element, caller: Caller, start_response: StartResponse
    ) -> list[bytes] | None:
        """The answer to a plain-shaped read call, or None: Spyne is to serve the request."""
        found = self._call(root)
        if found is None:
            return None
        method, parameters = found
        trace = caller.trace
        if trace is not None:
            note_call(trace, method, parameters)
        try:
            credentials = credentials_for(None, parameters.get("user"), parameters.get("password"))
            result = getattr(self._operations, method)(caller, credentials)
            if isinstance(result, Decimal | int):
                # A number's text needs no escaping: the document around it is fixed.
                head, tail = self._scalar_documents[method]
                document = head + str(result).encode() + tail
            else:
                document = self._document(method, result)
        except Exception as error:
            # Writing the answer failing included: the client gets a coded fault.
            return self._fault(start_response, error, trace)
        if trace is not None:
            trace.succeeded(result)
        return self._respond(start_response, "200 OK", document)

    def _document(self, method: str, result: Any) -> bytes:
        """The response document of ``method`` carrying ``result``, as Spyne writes it."""
        envelope = etree.Element(self._envelope_tag, nsmap=self._nsmap)
        response = etree.SubElement(
            etree.SubElement(envelope, self._body_tag), f"{{{NAMESPACE}}}{method}Response"
        )
        _write_result(response, _RESULTS[method], result)
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
