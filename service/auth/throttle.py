"""Throttling failed logins, in the database so every worker and host shares it.

Two keys count failures: the source address (credential stuffing across many
accounts) and an account from one address (guessing one password). There is
deliberately no key for an account alone: an attacker could then lock any
customer out. Past the limit a key is blocked for a time that doubles with
every further failure; a blocked caller is refused before its password is
checked, so it learns nothing about whether the password was right.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ..domain.throttle import ThrottleKey, ThrottleRecord, ThrottleState
from ..errors import ErrorCode, UserApiError
from ..metrics import metrics
from ..settings import ThrottleSettings
from ..store.uow import UnitOfWorkFactory, retry_if_lost


def now_utc() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class LoginThrottle:
    """Refuses blocked callers and counts failures."""

    def __init__(self, units: UnitOfWorkFactory, policy: ThrottleSettings) -> None:
        self._units = units
        self.policy = policy

    def _limit(self, key: ThrottleKey) -> int:
        if key.email is None:
            return self.policy.address_failures
        return self.policy.account_failures

    def check(self, state: ThrottleState) -> bool:
        """TOO_MANY_ATTEMPTS if a key is blocked; True when the account key has failures."""
        now = now_utc()
        if state.blocked_until is not None and state.blocked_until > now:
            wait = math.ceil((state.blocked_until - now).total_seconds())
            raise UserApiError(ErrorCode.TOO_MANY_ATTEMPTS, retry_after=max(wait, 1))
        return state.account_failures > 0

    def refuse_blocked(self, keys: tuple[ThrottleKey, ThrottleKey]) -> None:
        """TOO_MANY_ATTEMPTS if a key is blocked (read on its own, before anything is written)."""

        def state() -> ThrottleState:
            with self._units.reading() as uow:
                return uow.reads.throttle_state(keys)

        self.check(retry_if_lost(state))

    def failed(self, keys: tuple[ThrottleKey, ...]) -> None:
        """Count one failed login under each key (its own transaction)."""
        now = now_utc()
        window = timedelta(seconds=self.policy.window_seconds)
        with self._units.writing() as uow:
            for key in keys:
                record = uow.throttle.lock(key, now)
                uow.throttle.save(self._after_failure(record, now, window))
            # Forgotten windows are removed as failures come in: no job to schedule.
            uow.throttle.purge(now - 2 * window, now)
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
            metrics().throttle_blocks.labels(
                "source" if record.key.email is None else "account"
            ).inc()
            seconds = min(
                self.policy.block_seconds * 2 ** min(over - 1, 20), self.policy.max_block_seconds
            )
            blocked_until = now + timedelta(seconds=seconds)
        return replace(record, failures=failures, blocked_until=blocked_until)

    def succeeded(self, email: str, source_ip: str) -> None:
        """Forget the account's failures from this source (its own transaction)."""
        with self._units.writing() as uow:
            uow.throttle.forget((ThrottleKey.of_account(email, source_ip),))
            uow.commit()
