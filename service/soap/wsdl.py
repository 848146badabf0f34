"""The published WSDL: Spyne's document of ``UserService``, canonical, with each client's address.

Spyne only publishes the WSDL; the SOAP codec answers the calls.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from lxml import etree
from spyne import Application
from spyne.interface.wsdl import Wsdl11
from spyne.protocol.soap import Soap11, Soap12

from ..contract import NAMESPACE
from .service import UserService

# The WSDL is built once with this address; each request gets its own URL put in.
ADDRESS_PLACEHOLDER = "http://usermanagement.invalid/api/soap/"
SOAP_HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"

_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_XS = "http://www.w3.org/2001/XMLSchema"
# Conventional order of a WSDL's top-level elements; Spyne emits service first.
_TOP_ORDER = ("documentation", "import", "types", "message", "portType", "binding", "service")
# Within the schema: simple types, complex types, then elements, each by name.
_SCHEMA_ORDER = ("import", "simpleType", "complexType", "element")
# Prefixes used only inside attribute values, which lxml cannot see as used.
_KEEP_PREFIXES = ("tns", "xs", "wsdl")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _sort_children(parent: etree._Element, order: tuple[str, ...]) -> None:
    children = list(parent)
    children.sort(key=lambda child: (order.index(_local(child)), child.get("name", "")))
    parent[:] = children


def build_wsdl(soap_version: str = "1.1") -> bytes:
    """The WSDL document of the SOAP ``soap_version`` endpoint, byte-stable across restarts.

    Spyne's output is reordered canonically (its type order follows set
    iteration), unused namespace declarations and ``parameterOrder`` (an RPC
    hint with no meaning for document/literal) are dropped, and the binding
    names SOAP over HTTP.
    """
    protocol = Soap12 if soap_version == "1.2" else Soap11
    application = Application(
        [UserService],
        tns=NAMESPACE,
        name="UserService",
        in_protocol=protocol(),
        out_protocol=protocol(),
    )
    application.transport = SOAP_HTTP_TRANSPORT
    document = Wsdl11(application.interface)
    document.build_interface_document(ADDRESS_PLACEHOLDER)
    root = etree.fromstring(document.get_interface_document())
    _sort_children(root, _TOP_ORDER)
    for schema in root.iter(f"{{{_XS}}}schema"):
        _sort_children(schema, _SCHEMA_ORDER)
    for operation in root.iter(f"{{{_WSDL}}}operation"):
        operation.attrib.pop("parameterOrder", None)
    # Only the binding prefix in use survives: SOAP 1.2 declarations on a 1.1 WSDL make
    # gSOAP's wsdl2h generate a SOAP 1.2 client.
    binding = "wsdlsoap12" if soap_version == "1.2" else "wsdlsoap11"
    etree.cleanup_namespaces(root, keep_ns_prefixes=[*_KEEP_PREFIXES, binding])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def with_address(wsdl: bytes, url: str) -> bytes:
    """``wsdl`` with its soap:address set to ``url`` (escaped for an attribute)."""
    return wsdl.replace(quoteattr(ADDRESS_PLACEHOLDER).encode(), quoteattr(url).encode("utf-8"), 1)
