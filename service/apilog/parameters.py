"""The parameters of a request as the API log keeps them."""

from __future__ import annotations

import json

# Never stored, whatever the transport calls them.
SECRET_PARAMETERS = frozenset({"password", "token", "secret", "passwd", "authorization"})
# Stored masked when the operator asks for it (personal data).
PERSONAL_PARAMETERS = frozenset(
    {"namelastname", "companyname", "documentid", "address", "zipcode", "cityname"}
)
MAX_VALUE = 200
MAX_PARAMETERS = 4000
# One encoder for every record: json.dumps with options builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def clean_parameters(parameters: dict[str, str], mask_personal: bool) -> str:
    """The parameters as JSON: secrets redacted, long values cut, personal fields maybe masked."""
    cleaned: dict[str, str] = {}
    for name, value in parameters.items():
        key = name[:64]
        if name.lower() in SECRET_PARAMETERS:
            cleaned[key] = "[redacted]"
        elif mask_personal and name.lower() in PERSONAL_PARAMETERS:
            cleaned[key] = "[masked]"
        else:
            text = "" if value is None else str(value)
            cleaned[key] = text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"
    document = _encode(cleaned)
    while len(document) > MAX_PARAMETERS and cleaned:
        cleaned.pop(sorted(cleaned)[-1])
        document = _encode({**cleaned, "…": "cut"})
    return document
