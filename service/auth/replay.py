"""Freshness of a WS-Security UsernameToken: its Created time and its Nonce.

A token whose Created time is more than the allowed skew away from ours is
refused, and so is a Nonce seen before within that window (the nonces are
kept in the database, so a message replayed to another worker or host is
refused too). Both are checked before the password, in their own transaction.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from ..domain.credentials import PasswordCredentials
from ..domain.values import is_blank
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
        """INVALID_SECURITY_HEADER for a stale Created or a reused Nonce; else nothing."""
        if credentials.created is None and credentials.nonce is None:
            return
        # The documented codes keep their precedence over the header's own checks.
        if is_blank(credentials.user):
            raise UserApiError(ErrorCode.MISSING_USER)
        if is_blank(credentials.password):
            raise UserApiError(ErrorCode.MISSING_PASSWORD)
        now = datetime.now(UTC)
        created = credentials.created
        if created is not None and abs(now - parse_created(created)) > self._skew:
            raise _invalid()
        if credentials.nonce is not None:
            nonce = credentials.nonce.strip()
            if not nonce or len(nonce) > MAX_NONCE_LENGTH:
                raise _invalid()
            digest = hashlib.sha256(nonce.encode()).hexdigest()
            with self._units.writing() as uow:
                fresh = uow.repository.remember_nonce(digest, now + 2 * self._skew, now)
                uow.commit()
            if not fresh:
                raise _invalid()
