"""The account console's sessions on a session: started, kept alive and ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from ..domain.session import ConsoleSessionRecord
from . import models
from .dml import changed

_s = models.ConsoleSession


class ConsoleSessions:
    """Writes to console sessions, in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def start(self, record: ConsoleSessionRecord, user_agent: str | None) -> None:
        """Store a new session."""
        self._session.add(
            _s(
                digest=record.digest,
                account_id=record.account_id,
                login=record.login,
                password_fingerprint=record.password_fingerprint,
                created_at=record.created_at,
                last_seen_at=record.last_seen_at,
                source_ip=record.source_ip,
                user_agent=user_agent,
            )
        )
        self._session.flush()

    def touch(self, digest: str, now: datetime) -> None:
        """Note that the session was used ``now`` (its idle time starts again)."""
        self._session.execute(update(_s).where(_s.digest == digest).values(last_seen_at=now))

    def end(self, digest: str) -> bool:
        """End one session; False when there was none."""
        return changed(self._session, delete(_s).where(_s.digest == digest)) == 1

    def end_others(self, account_id: int, keep: str | None, login: str | None = None) -> int:
        """End the account's sessions but ``keep`` (only ``login``'s when given); how many."""
        statement = delete(_s).where(_s.account_id == account_id)
        if keep is not None:
            statement = statement.where(_s.digest != keep)
        if login is not None:
            statement = statement.where(_s.login == login)
        return changed(self._session, statement)

    def set_fingerprint(self, digest: str, password_fingerprint: str) -> None:
        """The password this session was checked against changed (by the session itself)."""
        self._session.execute(
            update(_s).where(_s.digest == digest).values(password_fingerprint=password_fingerprint)
        )

    def purge(self, idle_before: datetime) -> int:
        """Delete sessions idle since before ``idle_before``; how many."""
        return changed(self._session, delete(_s).where(_s.last_seen_at < idle_before))
