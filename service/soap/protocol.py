"""SOAP 1.1 input: a hardened XML parse, and values handed to the core as received.

Parsing: entities are never resolved, no DTD is loaded or allowed (WS-I BP
R1008: a message has no DOCTYPE), nothing is fetched, trees are small and
shallow, and SOAP-encoding multi-references (href/id) are refused. Every
refusal is a MALFORMED_REQUEST fault.

Values: Spyne turns an empty element into None (the same as an absent one)
and rejects a non-numeric integer before our code runs. The documented
precedence needs both to reach the core: credentials are checked before any
parameter, and absent is not the same as empty. So an empty element becomes
``""`` and an integer that does not parse stays the text it was; the core
answers them with the catalogue's codes.
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree
from spyne.error import ValidationError
from spyne.protocol.soap import Soap11, Soap12
from spyne.protocol.xml import _append

from ..errors import ErrorCode
from .faults import SOAP11_ENV, SOAP12_ENV, CodedFault, fault_status, soap12_fault, to_fault

# A call of this API is a wrapper with a dozen leaves: generous caps still stop
# documents built to exhaust memory or recursion.
MAX_DEPTH = 16
MAX_ELEMENTS = 500


_parsers = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser: building one per request costs, and lxml's are not thread-safe."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _malformed() -> CodedFault:
    return CodedFault(ErrorCode.MALFORMED_REQUEST)


def parse_document(document: bytes) -> etree._Element:
    """The root of a well-formed XML document without DTD, or a MALFORMED_REQUEST fault."""
    try:
        root = etree.fromstring(document, _parser())
    except (etree.XMLSyntaxError, ValueError):
        raise _malformed() from None
    if root is None:
        raise _malformed()
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _malformed()
    return root


def parse_request(document: bytes, envelope_ns: str = SOAP11_ENV) -> etree._Element:
    """The root of a request document, or a MALFORMED_REQUEST fault."""
    root = parse_document(document)
    depth = 0
    elements = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        elements += 1
        if depth > MAX_DEPTH or elements > MAX_ELEMENTS:
            raise _malformed()
        if not isinstance(element.tag, str) or "href" in element.attrib:
            # Entity references left unresolved, and SOAP-encoding multi-refs.
            raise _malformed()
    _check_envelope(root, envelope_ns)
    return root


def _check_envelope(root: etree._Element, ns: str) -> None:
    """An envelope of this SOAP version: optional Header, then a Body holding one call."""
    if root.tag != f"{{{ns}}}Envelope":
        raise _malformed()
    parts = [child.tag for child in root]
    if parts not in ([f"{{{ns}}}Body"], [f"{{{ns}}}Header", f"{{{ns}}}Body"]):
        raise _malformed()
    calls = list(root[-1])
    if len(calls) != 1 or calls[0].tag == f"{{{ns}}}Fault":
        raise _malformed()


class _RequestReading:
    """Reads requests through ``parse_request``, leaf values as received."""

    ns_soap_env: str

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        """Parse the request (the transport has already read it within its limits)."""
        ctx.in_document = (parse_request(b"".join(ctx.in_string), self.ns_soap_env), {})

    def base_from_element(self, ctx: Any, cls: Any, element: Any) -> Any:
        """A leaf value: ``""`` when empty, the raw text when it does not parse."""
        if not element.text:
            return ""
        try:
            return super().base_from_element(ctx, cls, element)  # type: ignore[misc]
        except ValidationError:
            return element.text


class RequestSoap11(_RequestReading, Soap11):
    """SOAP 1.1 requests."""


class RequestSoap12(_RequestReading, Soap12):
    """SOAP 1.2 requests."""

    ns_soap_env = SOAP12_ENV


class ResponseSoap12(Soap12):
    """SOAP 1.2 responses whose faults carry our code as a qualified Subcode.

    Spyne's own SOAP 1.2 faults take only dict details and unqualified subcodes.
    A Sender fault is HTTP 400, a Receiver fault 500 (SOAP 1.2 HTTP binding).
    """

    def fault_to_parent(self, ctx: Any, cls: Any, inst: Any, parent: Any, ns: Any, **_: Any) -> Any:
        """Write the fault element."""
        fault = to_fault(inst)
        _append(parent, soap12_fault(fault.code, fault.retry_after))

    def fault_to_http_response_code(self, fault: Any) -> str:
        """400 for the caller's errors, 500 for ours."""
        return fault_status(to_fault(fault).code, "1.2")
