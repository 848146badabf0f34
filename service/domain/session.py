"""The account console's sessions: what one is, and when it has ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# A session ends this long after sign-in, however busy it is.
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class ConsoleSessionRecord:
    """A stored session: whose it is, what signed in, and when it was used."""

    digest: str
    account_id: int
    login: str
    password_fingerprint: str
    created_at: datetime
    last_seen_at: datetime
    source_ip: str


@dataclass(frozen=True)
class SessionPolicy:
    """When a session ends by itself, and how often its last use is written."""

    idle: timedelta

    def ended(self, session: ConsoleSessionRecord, now: datetime) -> bool:
        """True past the idle timeout or the lifetime (a clock set back ends it too)."""
        return (
            now - session.last_seen_at >= self.idle
            or now - session.created_at >= SESSION_LIFETIME
            or now < session.created_at - timedelta(minutes=5)
        )

    def stale(self, session: ConsoleSessionRecord, now: datetime) -> bool:
        """True when the last use is old enough to be written again.

        Writing every page view would make each one a write: a minute's
        precision (or a tenth of the idle timeout, when that is shorter) is enough.
        """
        return now - session.last_seen_at >= min(timedelta(minutes=1), self.idle / 10)
