"""What a SOAP call tells the API log about itself, on the Spyne path and the fast path alike."""

from __future__ import annotations

from lxml import etree

from ..contract import CLASS
from ..domain.trace import CallTrace


def leaf_texts(call: etree._Element) -> dict[str, str]:
    """A call element's parameters: each child's local name and text as sent."""
    return {
        etree.QName(child).localname: child.text or ""
        for child in call
        if isinstance(child.tag, str)
    }


def note_call(trace: CallTrace, method: str, parameters: dict[str, str]) -> None:
    """Record the method and its parameters on the call's trace."""
    trace.api_class = CLASS
    trace.method = method
    trace.parameters = parameters
