"""Freshness of a WS-Security UsernameToken: its Created time and its Nonce.

A token whose Created time is more than the allowed skew away from ours is
refused, and so is a Nonce seen before within that window (the nonces are
kept in the database, so a message replayed to another worker or host is
refused too). A Nonce needs a Created time: a nonce record is kept only as
long as a token can be fresh, so without one the message could be replayed
once the record expired. Both are checked before the password, the nonce
recorded in its own transaction.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from ..domain.credentials import PasswordCredentials
from ..errors import ErrorCode, UserApiError
from ..store.uow import UnitOfWorkFactory

MAX_NONCE_LENGTH = 256


def _invalid() -> UserApiError:
    return UserApiError(ErrorCode.INVALID_SECURITY_HEADER)


def parse_created(text: str) -> datetime:
    """An xs:dateTime with a zone (``Z`` or an offset), as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _invalid() from None
    if moment.tzinfo is None:
        raise _invalid()
    return moment.astimezone(UTC)


class ReplayGuard:
    """Refuses stale or replayed UsernameTokens."""

    def __init__(self, units: UnitOfWorkFactory, skew_seconds: int = 300) -> None:
        self._units = units
        self._skew = timedelta(seconds=skew_seconds)

    def admit(self, credentials: PasswordCredentials) -> None:
        """INVALID_SECURITY_HEADER for a stale or missing Created or a reused Nonce; else nothing.

        The caller has checked the documented codes and the throttling block first.
        """
        now = datetime.now(UTC)
        created = credentials.created
        if created is None:
            if credentials.nonce is not None:
                raise _invalid()
            return
        if abs(now - parse_created(created)) > self._skew:
            raise _invalid()
        if credentials.nonce is not None:
            nonce = credentials.nonce.strip()
            if not nonce or len(nonce) > MAX_NONCE_LENGTH:
                raise _invalid()
            digest = nonce_digest(nonce)
            with self._units.writing() as uow:
                fresh = uow.security.remember_nonce(digest, now + 2 * self._skew, now)
                uow.commit()
            if not fresh:
                raise _invalid()


def nonce_digest(nonce: str) -> str:
    """What is stored of a nonce."""
    return hashlib.sha256(nonce.encode()).hexdigest()


def carries_freshness(credentials: PasswordCredentials) -> bool:
    """True when the credentials came in a UsernameToken with a Created time or a Nonce."""
    return credentials.created is not None or credentials.nonce is not None
