"""Console session tokens and form (CSRF) tokens.

A session token is 32 random bytes in an HttpOnly cookie; the database keeps
only its SHA-256, so a copy of the table opens no session. A form token is a
keyed digest (the service's shared signing key) of what the form belongs to:
the session's digest once signed in, or, on the sign-in form, a random value
kept in a cookie of its own. A page on another site can neither read the
cookie nor compute the digest, and one that plants a cookie of its own (a
sibling host or port) still cannot sign it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

# The longest cookie value looked at: a token is 43 characters.
MAX_TOKEN_LENGTH = 128


def new_token() -> str:
    """A new session token or sign-in form nonce."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """How a session token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def usable_token(token: str | None) -> str | None:
    """The cookie's value when it can be a token at all (bounded, URL-safe base64)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in token):
        return None
    return token


class FormTokens:
    """Form tokens from the service's keyed digest (``keyed``: text -> digest)."""

    def __init__(self, keyed: Callable[[str], str]) -> None:
        self._keyed = keyed

    def for_session(self, session_token: str) -> str:
        """The token of every form of a signed-in session."""
        return self._keyed("console-form:" + token_digest(session_token))

    def for_signin(self, nonce: str) -> str:
        """The sign-in form's token, for the nonce in the browser's sign-in cookie."""
        return self._keyed("console-signin:" + nonce)

    @staticmethod
    def matches(expected: str, given: str | None) -> bool:
        """True when the form sent the expected token (compared in constant time)."""
        return given is not None and hmac.compare_digest(expected.encode(), given.encode())
