"""What a caller proves its identity with: a password, a token issued for one, or a session."""

from __future__ import annotations

from dataclasses import dataclass

from .values import Raw


@dataclass(frozen=True)
class PasswordCredentials:
    """``user`` and ``password`` as received (None when absent).

    ``nonce`` and ``created`` come with a WS-Security UsernameToken, whose
    freshness is checked too.
    """

    user: Raw
    password: Raw
    nonce: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class TokenCredentials:
    """A bearer token from the JWT token endpoint (None when the client sent none)."""

    token: str | None


@dataclass(frozen=True)
class SessionCredentials:
    """The account console's session cookie (None when the browser sent none)."""

    token: str | None


CallCredentials = PasswordCredentials | TokenCredentials | SessionCredentials
