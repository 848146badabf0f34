"""The one SOAP fault writer: a catalogue code as a SOAP 1.1 or 1.2 fault envelope."""

from __future__ import annotations

from lxml import etree
from lxml.builder import ElementMaker

from ..contract import NAMESPACE
from ..errors import ErrorCode, Side, UserApiError

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
# The Content-Type of every answer (fault or not) of each SOAP version.
CONTENT_TYPES = {"1.1": "text/xml; charset=utf-8", "1.2": "application/soap+xml; charset=utf-8"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_E = ElementMaker(namespace=NAMESPACE, nsmap={"tns": NAMESPACE})
_ENV11 = ElementMaker(namespace=SOAP11_ENV, nsmap={"soap11env": SOAP11_ENV, "tns": NAMESPACE})
_ENV12 = ElementMaker(namespace=SOAP12_ENV, nsmap={"soap12env": SOAP12_ENV, "tns": NAMESPACE})
_PLAIN = ElementMaker()


def _detail(code: ErrorCode, retry_after: int | None) -> etree._Element:
    """The typed detail: UserServiceFault with code, description and maybe retryafter."""
    detail = _E.UserServiceFault(_E.code(code.name), _E.description(code.description))
    if retry_after is not None:
        detail.append(_E.retryafter(str(retry_after)))
    return detail


class EnvelopeFault(UserApiError):
    """A fault about the envelope itself, answered with header blocks that explain it.

    ``header``: NotUnderstood or Upgrade blocks; ``soap_version``: the version
    to answer in when it is not the endpoint's (a VersionMismatch).
    """

    def __init__(
        self,
        code: ErrorCode,
        header: tuple[etree._Element, ...] = (),
        soap_version: str | None = None,
    ) -> None:
        super().__init__(code)
        self.header = header
        self.soap_version = soap_version


# SOAP's own fault codes: the envelope's faults, answered before any operation runs.
ENVELOPE_FAULTS = (ErrorCode.MUST_UNDERSTAND, ErrorCode.VERSION_MISMATCH)


def soap12_fault(code: ErrorCode, retry_after: int | None) -> etree._Element:
    """A SOAP 1.2 Fault: Sender/Receiver, the code as a qualified Subcode, typed Detail."""
    if code in ENVELOPE_FAULTS:
        value = code.faultcode
    else:
        value = "Sender" if code.side is Side.CLIENT else "Receiver"
    return _ENV12.Fault(
        _ENV12.Code(
            _ENV12.Value(f"soap12env:{value}"),
            _ENV12.Subcode(_ENV12.Value(f"tns:{code.name}")),
        ),
        _ENV12.Reason(_ENV12.Text(code.description, {_XML_LANG: "en"})),
        _ENV12.Detail(_detail(code, retry_after)),
    )


def fault_status(code: ErrorCode, soap_version: str) -> str:
    """The HTTP status of a fault: always 500 in SOAP 1.1; 400 for the caller's errors in 1.2.

    SOAP 1.2's HTTP binding answers its envelope faults (MustUnderstand,
    VersionMismatch) with 500 too.
    """
    if soap_version == "1.2" and code.side is Side.CLIENT and code not in ENVELOPE_FAULTS:
        return "400 Bad Request"
    return "500 Internal Server Error"


def not_understood(qname: etree.QName) -> etree._Element:
    """SOAP 1.2's NotUnderstood header block for one header block the service did not process."""
    prefix = "ns" if qname.namespace else None
    nsmap = {"soap12env": SOAP12_ENV}
    if prefix and qname.namespace:
        nsmap[prefix] = qname.namespace
    block = etree.Element(f"{{{SOAP12_ENV}}}NotUnderstood", nsmap=nsmap)
    block.set("qname", f"{prefix}:{qname.localname}" if prefix else qname.localname)
    return block


def upgrade(soap_version: str) -> etree._Element:
    """SOAP 1.2's Upgrade header block: the envelope version this endpoint speaks."""
    # The qname's prefix is declared on the block itself (lxml drops a declaration
    # that repeats an ancestor's, not knowing an attribute's value uses it).
    prefix, namespace = (
        ("soap12env", SOAP12_ENV) if soap_version == "1.2" else ("soap11env", SOAP11_ENV)
    )
    block = etree.Element(
        f"{{{SOAP12_ENV}}}Upgrade", nsmap={"soap12env": SOAP12_ENV, prefix: namespace}
    )
    etree.SubElement(block, f"{{{SOAP12_ENV}}}SupportedEnvelope").set("qname", f"{prefix}:Envelope")
    return block


def fault_document(
    code: ErrorCode,
    soap_version: str = "1.1",
    retry_after: int | None = None,
    header: tuple[etree._Element, ...] = (),
) -> bytes:
    """A whole fault envelope for ``code`` in ``soap_version``.

    ``header``: header blocks that explain an envelope fault (NotUnderstood, Upgrade).
    """
    if soap_version == "1.2":
        envelope = _ENV12.Envelope(_ENV12.Body(soap12_fault(code, retry_after)))
    else:
        envelope = _ENV11.Envelope(
            _ENV11.Body(
                _ENV11.Fault(
                    _PLAIN.faultcode(f"soap11env:{code.faultcode}"),
                    _PLAIN.faultstring(code.description),
                    _PLAIN.faultactor(""),
                    _PLAIN.detail(_detail(code, retry_after)),
                )
            )
        )
    if header:
        maker = _ENV12 if soap_version == "1.2" else _ENV11
        envelope.insert(0, maker.Header(*header))
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
