"""Throttling failed logins, in the database so every worker and host shares it.

Two keys count failures: the source address (credential stuffing across many
accounts) and an account from one address (guessing one password). There is
deliberately no key for an account alone: an attacker could then lock any
customer out. Past the limit a key is blocked for a time that doubles with
every further failure; a blocked caller is refused before its password is
checked, so it learns nothing about whether the password was right.
"""

from __future__ import annotations

import functools
import ipaddress
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ..domain.ip import parse_ip
from ..domain.values import xml_cleaned
from ..errors import ErrorCode, UserApiError
from ..settings import ThrottleSettings
from ..store.models import LoginThrottle as ThrottleTable
from ..store.repository import ThrottleRecord, ThrottleState
from ..store.uow import UnitOfWorkFactory, retry_if_lost

# What the key column holds, in characters: every key is cut to fit it.
KEY_LENGTH: int = ThrottleTable.__table__.c.key.type.length
# A source that is no IP address (a server that reports none) is kept this long; with
# the longest e-mail an account can have, its account key still fits KEY_LENGTH whole.
_OTHER_SOURCE_LENGTH = 45


@functools.lru_cache(maxsize=4096)  # parsed on every login; callers come back
def address_key(source_ip: str) -> str:
    """The key of a source: the address, or its /64 for IPv6 (one host's usual share).

    An IPv4-mapped IPv6 address is its IPv4 address: a dual-stack server would
    otherwise count every IPv4 client under one /64.
    """
    address = parse_ip(source_ip)
    if address is None:
        return f"ip:{xml_cleaned(source_ip)[:_OTHER_SOURCE_LENGTH]}"
    if address.version == 6:
        # From the number, not the text: a scoped address (fe80::1%eth0) is no network.
        return f"ip:{ipaddress.IPv6Network((int(address) >> 64 << 64, 64))}"
    return f"ip:{address}"


def account_key(email: str, source_ip: str) -> str:
    """The key of one account tried from one source.

    ``email`` is what the caller sent: characters XML cannot carry become U+FFFD
    and an over-long one is cut, so that every key can be stored (neither can
    name an account, and its failures still count).
    """
    source = address_key(source_ip)[3:]
    room = KEY_LENGTH - len("user:|") - len(source)
    return f"user:{xml_cleaned(email)[:room]}|{source}"


def login_keys(email: str, source_ip: str) -> tuple[str, str]:
    """The keys a login's failures count under: its source, and the account from it."""
    return address_key(source_ip), account_key(email, source_ip)


def now_utc() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class LoginThrottle:
    """Refuses blocked callers and counts failures."""

    def __init__(self, units: UnitOfWorkFactory, policy: ThrottleSettings) -> None:
        self._units = units
        self.policy = policy

    def _limit(self, key: str) -> int:
        if key.startswith("ip:"):
            return self.policy.address_failures
        return self.policy.account_failures

    def check(self, state: ThrottleState) -> bool:
        """TOO_MANY_ATTEMPTS if a key is blocked; True when the account key has failures."""
        now = now_utc()
        if state.blocked_until is not None and state.blocked_until > now:
            wait = math.ceil((state.blocked_until - now).total_seconds())
            raise UserApiError(ErrorCode.TOO_MANY_ATTEMPTS, retry_after=max(wait, 1))
        return state.account_failures > 0

    def refuse_blocked(self, keys: tuple[str, str]) -> None:
        """TOO_MANY_ATTEMPTS if a key is blocked (read on its own, before anything is written)."""

        def state() -> ThrottleState:
            with self._units.reading() as uow:
                return uow.repository.throttle_state(keys)

        self.check(retry_if_lost(state))

    def failed(self, keys: tuple[str, ...]) -> None:
        """Count one failed login under each key (its own transaction)."""
        now = now_utc()
        window = timedelta(seconds=self.policy.window_seconds)
        with self._units.writing() as uow:
            for key in keys:
                record = uow.repository.lock_throttle_record(key, now)
                uow.repository.save_throttle_record(self._after_failure(record, now, window))
            # Forgotten windows are removed as failures come in: no job to schedule.
            uow.repository.purge_throttle_records(now - 2 * window, now)
            uow.commit()

    def _after_failure(
        self, record: ThrottleRecord, now: datetime, window: timedelta
    ) -> ThrottleRecord:
        if record.window_start + window < now and (
            record.blocked_until is None or record.blocked_until < now
        ):
            record = replace(record, failures=0, window_start=now)
        failures = record.failures + 1
        over = failures - self._limit(record.key)
        blocked_until = record.blocked_until
        if over > 0:
            seconds = min(
                self.policy.block_seconds * 2 ** min(over - 1, 20), self.policy.max_block_seconds
            )
            blocked_until = now + timedelta(seconds=seconds)
        return replace(record, failures=failures, blocked_until=blocked_until)

    def succeeded(self, email: str, source_ip: str) -> None:
        """Forget the account's failures from this source (its own transaction)."""
        with self._units.writing() as uow:
            uow.repository.delete_throttle_records((account_key(email, source_ip),))
            uow.commit()
