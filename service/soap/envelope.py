"""Reading a SOAP request's envelope: a hardened XML parse and the envelope's own rules.

Parsing: entities are never resolved, no DTD is loaded or allowed (WS-I BP
R1008: a message has no DOCTYPE), nothing is fetched, trees are small and
shallow, and SOAP-encoding multi-references (href/id) are refused. Every
refusal is a MALFORMED_REQUEST fault.

The envelope (SOAP 1.1 §4, SOAP 1.2 part 1 §5): an Envelope of another SOAP
version is a VersionMismatch fault (see VersionMismatch); a header block
addressed to us and marked mustUnderstand that we do not process (anything
but WS-Security) is a MustUnderstand fault. A parameter element given twice
is MALFORMED_REQUEST: an intermediary that read the first one would see
another call than the service does.
"""

from __future__ import annotations

import itertools
import threading
from typing import NamedTuple

from lxml import etree

from ..errors import ErrorCode, UserApiError
from .faults import SOAP11_ENV, SOAP12_ENV, EnvelopeFault, not_understood, upgrade
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


def _malformed() -> UserApiError:
    return UserApiError(ErrorCode.MALFORMED_REQUEST)


def _parse(document: bytes) -> tuple[etree._Element, str]:
    """The root of a well-formed XML document without DTD and its encoding, or MALFORMED_REQUEST.

    Without a DTD no entity reference can be left unresolved: an undeclared one
    is not well-formed.
    """
    try:
        root = etree.fromstring(document, _parser())
    except (etree.XMLSyntaxError, ValueError):
        raise _malformed() from None
    if root is None:
        raise _malformed()
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _malformed()
    return root, (docinfo.encoding or "UTF-8").upper()


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
XML_SPACE = " \t\r\n"
# Each version's Envelope, Header, Body and Fault tags.
_TAGS = {
    ns: tuple(f"{{{ns}}}{name}" for name in ("Envelope", "Header", "Body", "Fault"))
    for ns in (SOAP11_ENV, SOAP12_ENV)
}


class VersionMismatch(EnvelopeFault):
    """An Envelope of another SOAP version, with an Upgrade block naming this endpoint's.

    The SOAP 1.1 endpoint answers in SOAP 1.1, the only version it speaks; the
    SOAP 1.2 endpoint answers a SOAP 1.1 envelope in SOAP 1.1, which its sender
    reads (SOAP 1.2 part 1, appendix A), and any other in SOAP 1.2.
    """

    def __init__(self, sent_namespace: str | None, endpoint_version: str) -> None:
        answer_in = "1.1" if SOAP11_ENV in (sent_namespace, ENVELOPES[endpoint_version]) else "1.2"
        super().__init__(
            ErrorCode.VERSION_MISMATCH, header=(upgrade(endpoint_version),), soap_version=answer_in
        )


_TOO_DEEP = etree.XPath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")")


def _ascii_markup(encoding: str) -> bool:
    """True for encodings in which every markup character is its ASCII byte."""
    return encoding in ("UTF-8", "US-ASCII", "ASCII") or encoding.startswith("ISO-8859-")


class Request(NamedTuple):
    """A request's parts: its Header, if any, its call and the call's children by local name."""

    header: etree._Element | None
    call: etree._Element
    parameters: dict[str, etree._Element]


def read_request(document: bytes, envelope_ns: str) -> Request:
    """The parts of a request this endpoint can serve, or a coded fault."""
    root, encoding = _parse(document)
    # Every element starts with a "<": where markup is ASCII, the bytes bound how many
    # elements (so how deep a tree) the document can hold, and whether it names href.
    # Walking a tree's nodes costs more than the rest of a plain call's decoding.
    tags = document.count(b"<") if _ascii_markup(encoding) else None
    if tags is None or tags > MAX_ELEMENTS or b"href" in document:
        _check_nodes(root)
    if (tags is None or tags > MAX_DEPTH) and _TOO_DEEP(root):
        raise _malformed()
    return _parts(root, envelope_ns)


def _check_nodes(root: etree._Element) -> None:
    """At most MAX_ELEMENTS nodes, no entity reference and no SOAP-encoding multi-reference."""
    nodes = list(itertools.islice(root.iter(), MAX_ELEMENTS + 1))
    if len(nodes) > MAX_ELEMENTS:
        raise _malformed()
    for node in nodes:
        if not isinstance(node.tag, str) or node.get("href") is not None:
            raise _malformed()


def _parts(root: etree._Element, ns: str) -> Request:
    """An envelope of this SOAP version: optional Header, then a Body holding one call."""
    envelope, header_tag, body_tag, fault = _TAGS[ns]
    if root.tag != envelope:
        tag = etree.QName(root)
        if tag.localname == "Envelope":
            raise VersionMismatch(tag.namespace, "1.2" if ns == SOAP12_ENV else "1.1")
        raise _malformed()
    parts = len(root)
    if not 1 <= parts <= 2:
        raise _malformed()
    body = root[-1]
    header = root[0] if parts == 2 else None
    if body.tag != body_tag or (header is not None and header.tag != header_tag):
        raise _malformed()
    if len(body) != 1:
        raise _malformed()
    call = body[0]
    if call.tag == fault:
        raise _malformed()
    # Parameters are read by local name: one in another namespace (or none) is the same one.
    parameters: dict[str, etree._Element] = {}
    for child in call:
        name = str(child.tag).rpartition("}")[2]
        if name in parameters:
            raise _malformed()
        parameters[name] = child
    if header is not None:
        _check_understood(header, ns)
    return Request(header, call, parameters)


def _check_understood(header: etree._Element, ns: str) -> None:
    """A MustUnderstand fault for header blocks addressed to us that we do not process."""
    attribute, ours = _FOR_US[ns]
    missed = [
        etree.QName(block)
        for block in header
        if block.tag not in _UNDERSTOOD
        and block.get(f"{{{ns}}}mustUnderstand", "").strip(XML_SPACE) in ("1", "true")
        and block.get(f"{{{ns}}}{attribute}", "").strip(XML_SPACE) in ("", *ours)
    ]
    if missed:
        soap12 = ns == SOAP12_ENV
        header_blocks = tuple(not_understood(name) for name in missed) if soap12 else ()
        raise EnvelopeFault(ErrorCode.MUST_UNDERSTAND, header=header_blocks)
