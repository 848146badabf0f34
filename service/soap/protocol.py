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

from typing import Any

from lxml import etree
from spyne.error import ValidationError
from spyne.protocol.soap import Soap11

from ..errors import ErrorCode
from .faults import CodedFault

# A call of this API is a wrapper with a dozen leaves: generous caps still stop
# documents built to exhaust memory or recursion.
MAX_DEPTH = 16
MAX_ELEMENTS = 500

_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def _parser() -> etree.XMLParser:
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


def parse_request(document: bytes) -> etree._Element:
    """The root of a request document, or a MALFORMED_REQUEST fault."""
    try:
        root = etree.fromstring(document, _parser())
    except (etree.XMLSyntaxError, ValueError):
        raise _malformed() from None
    if root is None:
        raise _malformed()
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _malformed()
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
    _check_envelope(root)
    return root


def _check_envelope(root: etree._Element) -> None:
    """A SOAP 1.1 envelope: optional Header, then a Body holding one call (never a Fault)."""
    if root.tag != f"{{{_SOAP_ENV}}}Envelope":
        raise _malformed()
    parts = [child.tag for child in root]
    if parts not in ([f"{{{_SOAP_ENV}}}Body"], [f"{{{_SOAP_ENV}}}Header", f"{{{_SOAP_ENV}}}Body"]):
        raise _malformed()
    calls = list(root[-1])
    if len(calls) != 1 or calls[0].tag == f"{{{_SOAP_ENV}}}Fault":
        raise _malformed()


class RequestSoap11(Soap11):
    """Soap11 reading requests through ``parse_request``, leaf values as received."""

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        """Parse the request (the transport has already read it within its limits)."""
        ctx.in_document = (parse_request(b"".join(ctx.in_string)), {})

    def base_from_element(self, ctx: Any, cls: Any, element: Any) -> Any:
        """A leaf value: ``""`` when empty, the raw text when it does not parse."""
        if not element.text:
            return ""
        try:
            return super().base_from_element(ctx, cls, element)
        except ValidationError:
            return element.text
