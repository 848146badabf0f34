"""The API log and connection tracking on a session: entries added in bulk, uses
counted per access, and old entries purged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, or_, update
from sqlalchemy.orm import Session

from . import models
from .dml import changed, insert
from .prepared import PreparedInsert

# The columns of a log entry, in the order its rows hold them.
COLUMNS = (
    "request_id",
    "created_at",
    "source_ip",
    "api",
    "api_class",
    "method",
    "account_id",
    "access_id",
    "parameters",
    "status",
    "error_code",
    "result",
    "http_status",
    "duration_ms",
    "bytes_in",
    "bytes_out",
    "user_agent",
)
# In bulk (COPY, multi-row INSERTs): SQLAlchemy's executemany cost more per row than
# the insert itself.
_INSERT = PreparedInsert(models.table_of(models.ApiLogEntry), COLUMNS)

# Built once (a statement built per flush cost more than running it).
_accesses = models.table_of(models.ApiAccess)
# Workers flush independently: never replace a later use with an earlier one.
_LAST_USE = (
    update(_accesses)
    .where(
        _accesses.c.id == bindparam("access"),
        or_(
            _accesses.c.last_used_at.is_(None),
            _accesses.c.last_used_at < bindparam("used_at"),
        ),
    )
    .values(
        last_used_at=bindparam("used_at"),
        last_source_ip=bindparam("source_ip"),
        last_api=bindparam("api"),
        last_method=bindparam("method"),
    )
)
_FIRST_USE = (
    update(_accesses)
    .where(_accesses.c.id == bindparam("access"), _accesses.c.first_used_at.is_(None))
    .values(first_used_at=bindparam("used_at"))
)


def _count_calls(dialect: str) -> Any:
    """Add a flush's calls to each (access, day, api, method) total."""
    statement = insert(dialect, models.AccessUsage)
    return statement.on_conflict_do_update(
        index_elements=["access_id", "day", "api", "method"],
        set_={"calls": models.AccessUsage.calls + statement.excluded.calls},
    )


_COUNT_CALLS = {dialect: _count_calls(dialect) for dialect in ("postgresql", "sqlite")}


class ApiLog:
    """Writes to the API log and the connection tracking, in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert entries, each a row of values in COLUMNS order."""
        _INSERT.run_many(self._session.connection(), rows)

    def track_uses(
        self,
        last: dict[int, tuple[datetime, str, str, str | None]],
        first: dict[int, datetime],
        calls: dict[tuple[int, date, str, str], int],
    ) -> None:
        """Note each access's last use (time, source, API, method) and first use, and add
        its calls per (access, day, API, method)."""
        connection = self._session.connection()
        if last:
            connection.execute(
                _LAST_USE,
                [
                    {"access": access, "used_at": at, "source_ip": ip, "api": api, "method": m}
                    for access, (at, ip, api, m) in last.items()
                ],
            )
        if first:
            connection.execute(
                _FIRST_USE, [{"access": access, "used_at": at} for access, at in first.items()]
            )
        if calls:
            connection.execute(
                _COUNT_CALLS[connection.dialect.name],
                [
                    {"access_id": access, "day": day, "api": api, "method": method, "calls": n}
                    for (access, day, api, method), n in calls.items()
                ],
            )

    def purge(self, before: datetime) -> int:
        """Delete entries older than ``before``; returns how many."""
        entry = models.ApiLogEntry
        return changed(self._session, delete(entry).where(entry.created_at < before))
