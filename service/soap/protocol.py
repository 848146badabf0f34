"""SOAP 1.1 input: a hardened XML parse, and values handed to the core as received.

Parsing: entities are never resolved, no DTD is loaded or allowed (WS-I BP
R1008: a message has no DOCTYPE), nothing is fetched, trees are small and
shallow, and SOAP-encoding multi-references (href/id) are refused. Every
refusal is a MALFORMED_REQUEST fault.

The envelope (SOAP 1.1 §4, SOAP 1.2 part 1 §5): an Envelope of another SOAP
version is a VersionMismatch fault (see VersionMismatch); a header block
addressed to us and marked mustUnderstand that we do not process (anything
but WS-Security) is a MustUnderstand fault. A parameter
element given twice is MALFORMED_REQUEST: an intermediary that read the first
one would see another call than the service does.

Values: Spyne turns an empty element into None (the same as an absent one)
and reads integers with ``int()``, which takes other scripts' digits. The
documented precedence needs every value to reach the core as sent:
credentials are checked before any parameter, and absent is not the same as
empty. So an empty element becomes ``""`` and an integer stays its text
(less XML white space); the core answers them with the catalogue's codes.
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree
from spyne.error import ValidationError
from spyne.model.primitive import Integer
from spyne.protocol.soap import Soap11, Soap12
from spyne.protocol.xml import _append

from ..errors import ErrorCode
from .faults import (
    SOAP11_ENV,
    SOAP12_ENV,
    CodedFault,
    fault_status,
    not_understood,
    soap12_fault,
    to_fault,
    upgrade,
)
from .wsse import WSSE

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


# Where the SOAP route keeps the request it parsed, for Spyne to read instead of the bytes.
PARSED_REQUEST = "usermanagement.soap_request"
ENVELOPES = {"1.1": SOAP11_ENV, "1.2": SOAP12_ENV}
# Header blocks this service processes.
_UNDERSTOOD = frozenset({f"{{{WSSE}}}Security"})
# Who a header block is for when it names someone (SOAP 1.1 actor, SOAP 1.2 role).
_FOR_US = {
    SOAP11_ENV: ("actor", {"http://schemas.xmlsoap.org/soap/actor/next"}),
    SOAP12_ENV: (
        "role",
        {f"{SOAP12_ENV}/role/next", f"{SOAP12_ENV}/role/ultimateReceiver"},
    ),
}
_XML_SPACE = " \t\r\n"


class VersionMismatch(CodedFault):
    """An Envelope of another SOAP version, with an Upgrade block naming this endpoint's.

    The SOAP 1.1 endpoint answers in SOAP 1.1, the only version it speaks; the
    SOAP 1.2 endpoint answers a SOAP 1.1 envelope in SOAP 1.1, which its sender
    reads (SOAP 1.2 part 1, appendix A), and any other in SOAP 1.2.
    """

    def __init__(self, sent_namespace: str | None, endpoint_version: str) -> None:
        super().__init__(ErrorCode.VERSION_MISMATCH, header=(upgrade(endpoint_version),))
        self.soap_version = (
            "1.1" if SOAP11_ENV in (sent_namespace, ENVELOPES[endpoint_version]) else "1.2"
        )


def parse_request(document: bytes, envelope_ns: str = SOAP11_ENV) -> etree._Element:
    """The root of a request document, or a coded fault."""
    return check_request(parse_document(document), envelope_ns)


def check_request(root: etree._Element, envelope_ns: str) -> etree._Element:
    """``root`` if it is a request this endpoint can serve, or a coded fault."""
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
    tag = etree.QName(root)
    if tag.localname == "Envelope" and tag.namespace != ns:
        raise VersionMismatch(tag.namespace, "1.2" if ns == SOAP12_ENV else "1.1")
    if root.tag != f"{{{ns}}}Envelope":
        raise _malformed()
    parts = [child.tag for child in root]
    if parts not in ([f"{{{ns}}}Body"], [f"{{{ns}}}Header", f"{{{ns}}}Body"]):
        raise _malformed()
    calls = list(root[-1])
    if len(calls) != 1 or calls[0].tag == f"{{{ns}}}Fault":
        raise _malformed()
    names = [child.tag for child in calls[0]]
    if len(names) != len(set(names)):
        raise _malformed()
    if len(root) == 2:
        _check_understood(root[0], ns)


def _check_understood(header: etree._Element, ns: str) -> None:
    """A MustUnderstand fault for header blocks addressed to us that we do not process."""
    attribute, ours = _FOR_US[ns]
    missed = [
        etree.QName(block)
        for block in header
        if block.tag not in _UNDERSTOOD
        and block.get(f"{{{ns}}}mustUnderstand", "").strip(_XML_SPACE) in ("1", "true")
        and block.get(f"{{{ns}}}{attribute}", "").strip(_XML_SPACE) in ("", *ours)
    ]
    if missed:
        soap12 = ns == SOAP12_ENV
        header_blocks = tuple(not_understood(name) for name in missed) if soap12 else ()
        raise CodedFault(ErrorCode.MUST_UNDERSTAND, header=header_blocks)


class _RequestReading:
    """Reads requests through ``parse_request``, leaf values as received."""

    ns_soap_env: str

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        """The request as the SOAP route parsed and checked it, or parsed here."""
        root = ctx.transport.req_env.get(PARSED_REQUEST)
        if root is None:
            root = parse_request(b"".join(ctx.in_string), self.ns_soap_env)
        ctx.in_document = (root, {})

    def base_from_element(self, ctx: Any, cls: Any, element: Any) -> Any:
        """A leaf value: ``""`` when empty, an integer as its text, else parsed or as sent."""
        if not element.text:
            return ""
        if issubclass(cls, Integer):
            return element.text.strip(_XML_SPACE)
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
