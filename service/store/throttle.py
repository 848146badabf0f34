"""Failed-login records on a session: counted, blocked, forgotten and purged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..domain.throttle import (
    ThrottleKey,
    ThrottleRecord,
    stored_account_prefix,
    stored_source_suffix,
)
from . import models
from .dml import changed, insert
from .reads import utc

_t = models.LoginThrottle


def stored_record(
    key: str, failures: int, window_start: datetime, blocked_until: datetime | None
) -> ThrottleRecord:
    """A row of the throttle table as a record, its timestamps in UTC."""
    blocked = None if blocked_until is None else utc(blocked_until)
    return ThrottleRecord(ThrottleKey.parse(key), failures, utc(window_start), blocked)


class ThrottleRecords:
    """The failed-login records, written in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lock(self, key: ThrottleKey, now: datetime) -> ThrottleRecord:
        """The record of ``key``, created empty if missing, locked until the transaction ends."""
        dialect = self._session.connection().dialect.name
        self._session.execute(
            insert(dialect, _t)
            .values(key=key.stored, failures=0, window_start=now, blocked_until=None)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = self._session.execute(
            select(_t.key, _t.failures, _t.window_start, _t.blocked_until)
            .where(_t.key == key.stored)
            .with_for_update()
        ).one()
        return stored_record(*row)

    def save(self, record: ThrottleRecord) -> None:
        """Store a record's new counts."""
        self._session.execute(
            update(_t)
            .where(_t.key == record.key.stored)
            .values(
                failures=record.failures,
                window_start=record.window_start,
                blocked_until=record.blocked_until,
            )
        )

    def forget(self, keys: tuple[ThrottleKey, ...]) -> int:
        """Delete the records of ``keys``; returns how many there were."""
        stored = [key.stored for key in keys]
        return changed(self._session, delete(_t).where(_t.key.in_(stored)))

    def clear(self, email: str | None, source: str | None) -> int:
        """Forget failures of an account (any source), of a source, or of both together.

        ``source`` is as keys name it (ThrottleKey.source); neither given: every record.
        """
        if email and source:
            condition = _t.key == ThrottleKey(source, email).stored
        elif email:
            condition = _t.key.startswith(stored_account_prefix(email), autoescape=True)
        elif source:
            condition = or_(
                _t.key == ThrottleKey(source).stored,
                _t.key.endswith(stored_source_suffix(source), autoescape=True),
            )
        else:
            condition = _t.key.is_not(None)
        return changed(self._session, delete(_t).where(condition))

    def purge(self, window_before: datetime, now: datetime) -> int:
        """Delete records whose window ended before ``window_before`` and that block nobody."""
        return changed(
            self._session,
            delete(_t).where(
                _t.window_start < window_before,
                or_(_t.blocked_until.is_(None), _t.blocked_until < now),
            ),
        )
