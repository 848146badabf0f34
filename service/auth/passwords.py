"""Password hashing with Argon2id; only hashes are ever stored."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..settings import Argon2Parameters


class Passwords:
    """Hashes new passwords with the configured cost and verifies stored hashes."""

    def __init__(self, parameters: Argon2Parameters) -> None:
        self._hasher = PasswordHasher(
            time_cost=parameters.time_cost,
            memory_cost=parameters.memory_kib,
            parallelism=parameters.parallelism,
        )
        # Verifying an unknown user's password against this hash costs the same
        # as a real check, so response time does not reveal which accounts exist.
        self._dummy_hash = self._hasher.hash("no account has this password")

    def hash(self, password: str) -> str:
        """A new Argon2id hash of ``password``."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches ``password_hash``; None stands for "no account"."""
        # Any text can be checked, a lone surrogate included (it matches no hash).
        secret = password.encode("utf-8", "surrogatepass")
        try:
            matched = self._hasher.verify(password_hash or self._dummy_hash, secret)
        except (VerificationError, InvalidHashError):
            return False
        return matched and password_hash is not None
