"""Reading parameter values as a transport hands them over.

A transport passes ``None`` for a parameter it did not receive, ``""`` for one
it received empty, and otherwise a ``str`` or an ``int``. These helpers turn
that into checked Python values or raise the catalogue's code.
"""

from __future__ import annotations

import re

from ..contract import MAX_LENGTH
from ..errors import ErrorCode, UserApiError

Raw = str | int | None
"""A parameter as received: None when absent, "" when empty."""

INT32_MAX = 2**31 - 1

# Characters XML 1.0 cannot carry: C0 controls but tab, LF and CR, U+FFFE, U+FFFF and
# lone surrogates. Stored, they would make another transport's answer unwritable.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> bool:
    """True when every character of ``text`` can be carried by an XML 1.0 document."""
    return _XML_UNSAFE.search(text) is None


def xml_cleaned(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    if text.isascii() and text.isprintable():
        return text  # the usual value, with nothing to replace (two C checks, no regex)
    return _XML_UNSAFE.sub("\ufffd", text)


def is_blank(value: Raw) -> bool:
    """True for an absent parameter or one that is empty after trimming.

    Control characters Python's ``strip`` takes for white space (VT, FF, the
    separators U+001C-U+001F) are not: they are text XML cannot carry.
    """
    return value is None or (isinstance(value, str) and value.strip() == "" and xml_safe(value))


def require(*values: Raw) -> None:
    """MISSING_COMPULSORY_PARAM unless every value was received.

    Only absence counts here; each method decides what an empty value means.
    """
    if any(value is None for value in values):
        raise UserApiError(ErrorCode.MISSING_COMPULSORY_PARAM)


def require_filled(*values: Raw) -> None:
    """MISSING_COMPULSORY_PARAM if any value is absent or blank: empty counts as not included."""
    if any(is_blank(value) for value in values):
        raise UserApiError(ErrorCode.MISSING_COMPULSORY_PARAM)


def text(name: str, value: Raw) -> str:
    """The trimmed text of a received parameter, checked against its maximum length.

    Characters XML 1.0 cannot carry are INCORRECT_PARAM_VALUE: stored, they
    would make every later SOAP answer that carries them unwritable.
    """
    received = "" if value is None else str(value)
    if not xml_safe(received):
        raise UserApiError(ErrorCode.INCORRECT_PARAM_VALUE)
    result = received.strip()
    if len(result) > MAX_LENGTH[name]:
        raise UserApiError(ErrorCode.PARAM_TOO_LONG)
    return result


# More digits than this are beyond any id or flag, whatever their value: such a
# number is answered as out of range without converting it.
_MAX_DIGITS = 18


def integer(value: Raw) -> int:
    """A whole number: an int, or an optional sign and ASCII digits; else INCORRECT_PARAM_VALUE.

    ``str.isdigit`` and ``int()`` accept other scripts' digits (fullwidth, Arabic-Indic),
    ``_`` separators and surrounding white space: none of them is a number here
    (SOAP strips XML white space before the value gets here). A number too long to
    be any id stands for one just past 32 bits, so its check answers "not found".
    """
    if isinstance(value, bool):
        raise UserApiError(ErrorCode.INCORRECT_PARAM_VALUE)
    if isinstance(value, int):
        return value
    raw = "" if value is None else value
    sign = -1 if raw[:1] == "-" else 1
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not (digits.isascii() and digits.isdigit()):
        raise UserApiError(ErrorCode.INCORRECT_PARAM_VALUE)
    if len(digits.lstrip("0")) > _MAX_DIGITS:
        return sign * (INT32_MAX + 1)
    return sign * int(digits)


def flag(value: Raw) -> int:
    """A 0/1 flag; any other value is out of range."""
    number = integer(value)
    if number not in (0, 1):
        raise UserApiError(ErrorCode.INCORRECT_PARAM_VALUE)
    return number
