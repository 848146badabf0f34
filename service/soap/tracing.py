"""What a SOAP call tells the API log about itself, on the Spyne path and the fast path alike."""

from __future__ import annotations

from lxml import etree

from ..domain.trace import CallTrace


def note_call(trace: CallTrace, method: str, call: etree._Element) -> None:
    """Record the method and its parameters (each leaf's text as sent) on the call's trace."""
    trace.api_class = "user"
    trace.method = method
    trace.parameters = {
        etree.QName(child).localname: child.text or ""
        for child in call
        if isinstance(child.tag, str)
    }
