"""SOAP 1.1 input that leaves every value check to the core.

Spyne turns an empty element into None (the same as an absent one) and rejects
a non-numeric integer before our code runs. The documented precedence needs
both to reach the core: credentials are checked before any parameter, and
absent is not the same as empty. So an empty element becomes ``""`` and an
integer that does not parse stays the text it was; the core answers them with
the catalogue's codes.
"""

from __future__ import annotations

from typing import Any

from spyne.error import ValidationError
from spyne.protocol.soap import Soap11


class LenientSoap11(Soap11):
    """Soap11 whose leaf values are handed over as received, for the core to check."""

    def base_from_element(self, ctx: Any, cls: Any, element: Any) -> Any:
        """A leaf value: ``""`` when empty, the raw text when it does not parse."""
        if not element.text:
            return ""
        try:
            return super().base_from_element(ctx, cls, element)
        except ValidationError:
            return element.text
