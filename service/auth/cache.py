"""A per-process cache of successful password verifications.

Argon2 costs about 0.2 s of CPU per verification, which would cap a worker
near five calls a second. A verified (user, password) pair is remembered for a
short time under a keyed BLAKE2b MAC of both with a server secret (never the
password), together with the password hash it matched. Every call still loads the
account's current hash in the same query that loads the account, and a hit
counts only if that hash is the remembered one: a password change takes
effect at once on every worker. Failures are never cached, so guessing stays
as expensive as Argon2 makes it.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict


class VerifiedCache:
    """Remembers which password hash a (user, password) pair was verified against."""

    def __init__(self, secret: bytes, max_entries: int, ttl_seconds: float) -> None:
        # BLAKE2b takes a key of at most 64 bytes: a longer secret is hashed to one.
        self._secret = secret if len(secret) <= 64 else hashlib.blake2b(secret).digest()
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._entries: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, email: str, password: str) -> bytes:
        message = email.encode() + b"\0" + password.encode("utf-8", "surrogatepass")
        # Keyed BLAKE2b is a MAC by design, and CPython's own: a third of what
        # OpenSSL 3's one-shot HMAC-SHA256 costs per call.
        return hashlib.blake2b(message, key=self._secret, digest_size=32).digest()

    def verified(self, email: str, password: str, password_hash: str) -> bool:
        """True when this pair was verified against ``password_hash`` recently."""
        if self._max_entries == 0:
            return False
        key = self._key(email, password)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False
            remembered, expires = entry
            if expires < time.monotonic() or not hmac.compare_digest(remembered, password_hash):
                del self._entries[key]
                return False
            self._entries.move_to_end(key)
            return True

    def remember(self, email: str, password: str, password_hash: str) -> None:
        """Record a successful verification."""
        if self._max_entries == 0:
            return
        key = self._key(email, password)
        with self._lock:
            self._entries[key] = (password_hash, time.monotonic() + self._ttl)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
