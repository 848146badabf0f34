"""Throttle keys: what failed logins are counted under, and the counts kept per key.

Two kinds of key: a source (an address, or an IPv6 /64) and one account tried
from a source. Each is stored as text, ``ip:<source>`` or
``user:<email>|<source>``; ``ThrottleKey.parse`` reads that text back.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from datetime import datetime

from .ip import parse_ip
from .values import xml_cleaned

# The longest key that can be stored, in characters: every key is cut to fit it.
KEY_LENGTH = 320
# A source that is no IP address (a server that reports none) is kept this long; with
# the longest e-mail an account can have, its account key still fits KEY_LENGTH whole.
_OTHER_SOURCE_LENGTH = 45
_SOURCE_PREFIX = "ip:"
_ACCOUNT_PREFIX = "user:"
_SEPARATOR = "|"


@functools.lru_cache(maxsize=4096)  # parsed on every login; callers come back
def _source(source_ip: str) -> str:
    """A source as keys name it: the address, or its /64 for IPv6 (one host's usual share).

    An IPv4-mapped IPv6 address is its IPv4 address: a dual-stack server would
    otherwise count every IPv4 client under one /64.
    """
    address = parse_ip(source_ip)
    if address is None:
        return xml_cleaned(source_ip)[:_OTHER_SOURCE_LENGTH]
    if address.version == 6:
        # From the number, not the text: a scoped address (fe80::1%eth0) is no network.
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)


@dataclass(frozen=True)
class ThrottleKey:
    """One key failed logins count under: a source, or an account (``email``) from it."""

    source: str  # as keys name it: an address, an IPv6 /64, or a cut text
    email: str | None = None  # None: the source's own key

    @classmethod
    def of_source(cls, source_ip: str) -> ThrottleKey:
        """The key of a caller's address."""
        return cls(_source(source_ip))

    @classmethod
    def of_account(cls, email: str, source_ip: str) -> ThrottleKey:
        """The key of one account tried from one address.

        ``email`` is what the caller sent: characters XML cannot carry become
        U+FFFD and an over-long one is cut, so that every key can be stored
        (neither can name an account, and its failures still count).
        """
        source = _source(source_ip)
        room = KEY_LENGTH - len(_ACCOUNT_PREFIX + _SEPARATOR) - len(source)
        return cls(source, xml_cleaned(email)[:room])

    @classmethod
    def parse(cls, stored: str) -> ThrottleKey:
        """The key whose stored text is ``stored``."""
        if stored.startswith(_SOURCE_PREFIX):
            return cls(stored[len(_SOURCE_PREFIX) :])
        if stored.startswith(_ACCOUNT_PREFIX) and _SEPARATOR in stored:
            # A source never holds the separator; an e-mail as sent may.
            email, _, source = stored[len(_ACCOUNT_PREFIX) :].rpartition(_SEPARATOR)
            return cls(source, email)
        raise ValueError(f"not a throttle key: {stored!r}")

    @functools.cached_property
    def stored(self) -> str:
        """The key as the store holds it."""
        if self.email is None:
            return _SOURCE_PREFIX + self.source
        return f"{_ACCOUNT_PREFIX}{self.email}{_SEPARATOR}{self.source}"


def stored_account_prefix(email: str) -> str:
    """What the stored keys of ``email``, from any source, start with."""
    return f"{_ACCOUNT_PREFIX}{email}{_SEPARATOR}"


def stored_source_suffix(source: str) -> str:
    """What the stored account keys from ``source`` (as keys name it) end with."""
    return _SEPARATOR + source


@functools.lru_cache(maxsize=4096)  # built on every login; callers come back
def login_keys(email: str, source_ip: str) -> tuple[ThrottleKey, ThrottleKey]:
    """The keys a login's failures count under: its source, and the account from it."""
    return ThrottleKey.of_source(source_ip), ThrottleKey.of_account(email, source_ip)


@dataclass(frozen=True)
class ThrottleRecord:
    """Failed logins counted under one key."""

    key: ThrottleKey
    failures: int
    window_start: datetime
    blocked_until: datetime | None


@dataclass(frozen=True)
class ThrottleState:
    """What throttling knows of one login's two keys (source, account from it)."""

    blocked_until: datetime | None  # the later block of the two keys, if any
    account_failures: int  # failures counted under the account key
