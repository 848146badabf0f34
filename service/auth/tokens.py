"""Short-lived bearer tokens (JWT) traded for a password at the token endpoint.

HS256 only, pinned on both sides: a token naming another algorithm (``none``
included) is invalid. A token carries a fingerprint of the password hash it
was issued under; every use compares it with the account's current hash, so a
password change invalidates every earlier token at once, on every worker. The
signing key is USERAPI_SECRET_KEY, or else a random key stored in the database
on first use, so all workers and hosts share it with no configuration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from ..errors import ErrorCode, UserApiError
from ..store.uow import UnitOfWorkFactory

ALGORITHM = "HS256"
ISSUER = "usermanagement"
AUDIENCE = "usermanagement-api"
MAX_TOKEN_LENGTH = 2048
_SECRET_NAME = "token-signing-key"  # noqa: S105 (a name, not a secret)


@dataclass(frozen=True)
class IssuedToken:
    """A token and how many seconds it lives."""

    token: str
    expires_in: int


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: whose it is, and under which password it was issued."""

    login: str
    fingerprint: str


class TokenSigner:
    """Issues and checks tokens with the shared signing key."""

    def __init__(
        self, units: UnitOfWorkFactory, configured_key: bytes | None, lifetime_seconds: int
    ) -> None:
        self._units = units
        self._key = configured_key
        self._lock = threading.Lock()
        self.lifetime_seconds = lifetime_seconds

    def _signing_key(self) -> bytes:
        if self._key is None:
            with self._lock, self._units.writing() as uow:
                stored = uow.security.shared_secret(_SECRET_NAME, secrets.token_urlsafe(48))
                uow.commit()
                self._key = stored.encode()
        return self._key

    def keyed_digest(self, text: str) -> str:
        """A short digest of ``text`` under the shared key: only this service can make it."""
        digest = hmac.new(self._signing_key(), text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")

    def fingerprint(self, password_hash: str) -> str:
        """A short keyed digest of a password hash (the hash itself never leaves the server)."""
        return self.keyed_digest(password_hash)

    def issue(self, login: str, password_hash: str) -> IssuedToken:
        """A token for ``login`` (an e-mail or an access login), valid for its lifetime."""
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": login,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.lifetime_seconds),
            "pwd": self.fingerprint(password_hash),
        }
        token = jwt.encode(claims, self._signing_key(), algorithm=ALGORITHM)
        return IssuedToken(token, self.lifetime_seconds)

    def verify(self, token: str) -> TokenClaims:
        """The claims of a valid token; EXPIRED_TOKEN or INVALID_TOKEN otherwise."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise UserApiError(ErrorCode.INVALID_TOKEN)
        try:
            claims = jwt.decode(
                token,
                self._signing_key(),
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=5,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "pwd"]},
            )
        except jwt.ExpiredSignatureError:
            raise UserApiError(ErrorCode.EXPIRED_TOKEN) from None
        except jwt.InvalidTokenError:
            raise UserApiError(ErrorCode.INVALID_TOKEN) from None
        if not isinstance(claims["sub"], str) or not isinstance(claims["pwd"], str):
            raise UserApiError(ErrorCode.INVALID_TOKEN)
        return TokenClaims(claims["sub"], claims["pwd"])
