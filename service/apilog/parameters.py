"""The parameters of a request as the API log keeps them.

Values are kept only under the contract's own parameter names: a secret sent
under a wrong name (``pwd``, ``apikey``, ...) must not stay in the log for
the retention period. Names and values are cleaned of characters XML cannot
carry and bounded, like every caller-supplied text the log stores.
"""

from __future__ import annotations

import json

from ..contract import CONSOLE_FIELDS, OPERATOR_FIELDS, PARAMETERS
from ..domain.values import xml_cleaned

# The contract's parameter names whose values the log keeps: the JSON APIs'
# class and method, the user, every method's parameters, the console's own
# fields and an operator command's. The password never.
LOGGED_PARAMETERS = frozenset(
    {"class", "method", *PARAMETERS, *CONSOLE_FIELDS, *OPERATOR_FIELDS}
) - {"password"}
# Stored masked when the operator asks for it (personal data).
PERSONAL_PARAMETERS = frozenset(name for name, p in PARAMETERS.items() if p.personal)
REDACTED = "[redacted]"
MAX_NAME = 64
MAX_VALUE = 200
MAX_PARAMETERS = 4000
# One encoder for every record: json.dumps with options builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def bounded(text: str | None, length: int) -> str | None:
    """Caller-supplied text as the log stores it: cleaned, at most ``length`` characters."""
    return xml_cleaned(text[:length]) if text else None


def clean_parameters(parameters: dict[str, str], mask_personal: bool) -> str:
    """The parameters as JSON: unknown names and secrets redacted, values cut, maybe masked."""
    cleaned: dict[str, str] = {}
    for name, value in parameters.items():
        key = xml_cleaned(name[:MAX_NAME])
        if name not in LOGGED_PARAMETERS:
            cleaned[key] = REDACTED
        elif mask_personal and name in PERSONAL_PARAMETERS:
            cleaned[key] = "[masked]"
        else:
            text = xml_cleaned("" if value is None else str(value)[: MAX_VALUE + 1])
            cleaned[key] = text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"
    document = _encode(cleaned)
    while len(document) > MAX_PARAMETERS and cleaned:
        cleaned.pop(sorted(cleaned)[-1])
        document = _encode({**cleaned, "…": "cut"})
    return document
