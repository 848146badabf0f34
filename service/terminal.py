"""Text for an operator's terminal: every control character made visible.

The operator commands print what callers sent (a method, a user, a parameter).
A raw ESC sequence there drives the operator's terminal, and a raw line break
forges a record. C0 and C1 controls, DEL, the Unicode line and paragraph
separators and the bidirectional controls are written as escapes instead
(``\\x1b``, ``\\r``, ``\\n``, ``\\u2028``); every other character, and so every
ordinary value, is printed unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0, DEL and C1 (U+0085 among them), the Arabic letter mark, the left-to-right and
# right-to-left marks, U+2028/U+2029, and the bidirectional embeddings, overrides
# and isolates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# json.dumps already escapes C0; the rest of _CONTROL is legal raw in a JSON string.
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: object) -> str:
    """``str(value)`` with every control character written as a visible escape."""
    return _CONTROL.sub(_escape, str(value))


def line(*fields: object) -> str:
    """One record as one line: its fields, each shown, separated by tabs."""
    return "\t".join(shown(field) for field in fields)


def json_line(record: Any) -> str:
    """``record`` as one line of JSON (non-ASCII text kept) that no terminal acts on.

    Inside a JSON string ``\\u2028`` and the character itself are the same value,
    so the record a reader parses is unchanged.
    """
    text = json.dumps(record, ensure_ascii=False)
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
