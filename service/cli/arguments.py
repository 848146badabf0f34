"""Argument types: each turns one command-line word into a checked value, or a usage error."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

import pycountry

from ..application import inputs
from ..application.errors import Refused
from ..domain.ip import parse_ip
from ..domain.values import INT32_MAX

# The most rows one listing prints (logs, city find).
MAX_LISTED = 100_000


def _argument(rule: Callable[[str], object]) -> Callable[[str], object]:
    """``rule`` (an input rule of the application) as an argument type."""

    def parse(text: str) -> object:
        try:
            return rule(text)
        except Refused as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = rule.__name__
    parse.__doc__ = rule.__doc__
    return parse


email = _argument(inputs.account_email)
password = _argument(inputs.new_password)
amount = _argument(inputs.balance)
access_name = _argument(inputs.access_name)
network = _argument(inputs.network)


def countrycode(text: str) -> str:
    """An ISO 3166-1 alpha-2 country code."""
    value = text.strip().upper()
    if len(value) != 2 or pycountry.countries.get(alpha_2=value) is None:
        raise argparse.ArgumentTypeError(f"not an ISO 3166-1 alpha-2 country code: {text!r}")
    return value


def positive_id(text: str) -> int:
    """A positive 32-bit id (of a city or an address)."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= INT32_MAX:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}")
    return int(text)


def ip_address(text: str) -> str:
    """An IPv4 or IPv6 address (IPv4-mapped: as IPv4, as the service records clients)."""
    address = parse_ip(text.strip())
    if address is None:
        raise argparse.ArgumentTypeError(f"not an IP address: {text!r}")
    return str(address)


def whole_number(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argument type: a whole number in ASCII digits from ``minimum`` to ``maximum``."""

    def parse(text: str) -> int:
        value = text.strip()
        if not (
            value.isascii()
            and value.isdigit()
            and len(value) <= len(str(maximum))
            and minimum <= int(value) <= maximum
        ):
            raise argparse.ArgumentTypeError(
                f"a whole number from {minimum} to {maximum}: {text!r}"
            )
        return int(value)

    return parse


def flag(text: str) -> int:
    """0 or 1."""
    if text not in ("0", "1"):
        raise argparse.ArgumentTypeError("0 or 1")
    return int(text)


def moment(text: str) -> datetime:
    """An ISO date or date and time (UTC unless it says otherwise)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
