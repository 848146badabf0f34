"""Rules for values a person types: e-mails, passwords, balances, access and city names."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..auth.credentials import normalise_user
from ..contract import MAX_LENGTH
from ..domain.ip import parse_network
from ..domain.values import xml_safe
from ..store.money import PRECISION, SCALE
from .errors import Refused

_ACCESS_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def account_email(text: str) -> str:
    """An account's e-mail, normalised as every call compares it."""
    value = normalise_user(text)
    local, at, domain = value.partition("@")
    if not (local and at and "." in domain) or len(value) > MAX_LENGTH["user"]:
        raise Refused(f"not an e-mail address: {text!r}")
    if any(c.isspace() for c in value) or not xml_safe(value):
        raise Refused(f"not an e-mail address: {text!r}")
    return value


def new_password(text: str) -> str:
    """A new password: 8 to 256 characters, none that XML cannot carry (no login could send it)."""
    if not 8 <= len(text) <= MAX_LENGTH["password"]:
        raise Refused("a password has 8 to 256 characters")
    if not xml_safe(text):
        raise Refused("a password cannot hold control characters")
    return text


def balance(text: str) -> Decimal:
    """A balance: a finite decimal with at most two decimal places, within the stored range."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise Refused(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise Refused(f"not an amount: {text!r}")
    # The range first: quantizing 1e400 exceeds the decimal context's precision.
    if abs(value) >= Decimal(10) ** (PRECISION - SCALE):
        raise Refused(f"amount out of range: {text!r}")
    if value != value.quantize(Decimal(1).scaleb(-SCALE)):
        raise Refused(f"at most {SCALE} decimal places: {text!r}")
    return value.quantize(Decimal(1).scaleb(-SCALE))


def access_name(text: str) -> str:
    """A name for an access: 1 to 64 letters, digits, dots, dashes or underscores."""
    if not _ACCESS_NAME.fullmatch(text):
        raise Refused("1 to 64 letters, digits, '.', '-' or '_'")
    return text


def cityname(text: str) -> str:
    """A town's name for the catalogue, trimmed: 1 to 200 characters, no control characters."""
    name = text.strip()
    if not name or len(name) > MAX_LENGTH["cityname"] or not xml_safe(name):
        raise Refused("a city name has 1 to 200 characters, no control characters")
    return name


def network(text: str) -> str:
    """An IPv4 or IPv6 address or network (host bits are cleared; IPv4-mapped: as IPv4)."""
    try:
        return str(parse_network(text.strip()))
    except ValueError:
        raise Refused(f"not an IP address or network: {text!r}") from None
