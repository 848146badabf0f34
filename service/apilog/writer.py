"""Writing the API log and connection tracking in batches, off the request path.

Each worker queues its records and a background thread writes them every
``flush_seconds`` (or every BATCH records when busy) in one transaction,
together with the connection tracking (last use and calls per day of each
access, aggregated first). Memory stays bounded: past ``max_pending`` records
(a database that stalls) new records are dropped and counted in a warning. A
graceful stop (SIGTERM) writes what is pending; a killed worker loses at most
its last ``flush_seconds``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from ..domain.trace import CallTrace
from ..errors import UserApiError
from ..store import models
from ..store.uow import UnitOfWorkFactory
from .parameters import clean_parameters

log = logging.getLogger("service.apilog")
# A busy worker writes every BATCH records rather than waiting for the timer: the
# writer then holds the interpreter for a few milliseconds, not for tens of them.
BATCH = 256

# This process's id, kept current across fork: os.getpid() is a system call, and
# every request asks whether this process already has its writer thread.
_process = {"pid": os.getpid()}
os.register_at_fork(after_in_child=lambda: _process.update(pid=os.getpid()))


class ApiLogWriter:
    """Queues log records and writes them in batches from a thread of its own."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        *,
        enabled: bool = True,
        mask_personal: bool = False,
        flush_seconds: float = 1.0,
        max_pending: int = 10_000,
    ) -> None:
        self._units = units
        self.enabled = enabled
        self._mask_personal = mask_personal
        self._flush_seconds = flush_seconds
        self._max_pending = max_pending
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        self.dropped = 0

    def record(self, trace: CallTrace, duration_ms: int) -> None:
        """Queue one request's record (never blocks on the database)."""
        if not self.enabled:
            return
        row = {
            "request_id": trace.request_id,
            "created_at": trace.created_at,
            "source_ip": trace.source_ip[:45],
            "api": trace.api,
            "api_class": trace.api_class,
            "method": (trace.method or "")[:32] or None,
            "account_id": trace.account_id,
            "access_id": trace.access_id,
            "parameters": clean_parameters(trace.parameters, self._mask_personal),
            "status": "ERROR" if trace.error_code else "SUCCESS",
            "error_code": trace.error_code,
            "result": trace.result,
            "http_status": trace.http_status,
            "duration_ms": duration_ms,
            "bytes_in": trace.bytes_in,
            "bytes_out": trace.bytes_out,
            "user_agent": (trace.user_agent or "")[:200] or None,
        }
        with self._lock:
            if len(self._pending) >= self._max_pending:
                self.dropped += 1
                return
            self._pending.append(row)
            full = len(self._pending) >= BATCH
        if full:
            self._wake.set()
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        # Threads do not survive fork: each worker starts its own on first use.
        if self._thread is None or self._thread_pid != _process["pid"]:
            with self._lock:
                if self._thread is None or self._thread_pid != _process["pid"]:
                    self._thread_pid = _process["pid"]
                    self._thread = threading.Thread(
                        target=self._run, name="api-log-writer", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self._flush_seconds)
            self._wake.clear()
            self.flush()

    def flush(self) -> int:
        """Write what is pending; on a database failure keep it for the next try."""
        with self._lock:
            rows, self._pending = self._pending, []
            dropped, self.dropped = self.dropped, 0
        if dropped:
            log.warning("api log: %d records dropped while the database was slow", dropped)
        if not rows:
            return 0
        try:
            self._write(rows)
        except (DBAPIError, UserApiError):
            with self._lock:
                room = max(self._max_pending - len(self._pending), 0)
                kept = rows[-room:] if room else []
                self.dropped += len(rows) - len(kept)
                self._pending = kept + self._pending
            return 0
        return len(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        usage: dict[tuple[int, Any, str, str], int] = defaultdict(int)
        latest: dict[int, dict[str, Any]] = {}
        first: dict[int, datetime] = {}
        for row in rows:
            access = row["access_id"]
            if access is None or row["status"] != "SUCCESS":
                continue
            day = row["created_at"].date()
            usage[(access, day, row["api"], row["method"] or "")] += 1
            latest[access] = row
            first.setdefault(access, row["created_at"])
        with self._units.writing() as uow:
            session = uow.session
            # The table, not the mapped class: a Core executemany, no ORM bulk machinery.
            session.execute(insert(models.ApiLogEntry.__table__), rows)
            accesses = models.ApiAccess
            for access, row in latest.items():
                # Workers flush independently: never replace a later use with an earlier one.
                newer = or_(
                    accesses.last_used_at.is_(None), accesses.last_used_at < row["created_at"]
                )
                session.execute(
                    update(accesses)
                    .where(accesses.id == access, newer)
                    .values(
                        last_used_at=row["created_at"],
                        last_source_ip=row["source_ip"],
                        last_api=row["api"],
                        last_method=row["method"],
                    )
                )
                session.execute(
                    update(accesses)
                    .where(accesses.id == access, accesses.first_used_at.is_(None))
                    .values(first_used_at=first[access])
                )
            if usage:
                dialect = session.get_bind().dialect.name
                upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
                table = models.AccessUsage.__table__
                for (access, day, api, method), calls in usage.items():
                    statement = upsert(table).values(
                        access_id=access, day=day, api=api, method=method, calls=calls
                    )
                    session.execute(
                        statement.on_conflict_do_update(
                            index_elements=["access_id", "day", "api", "method"],
                            set_={"calls": table.c.calls + statement.excluded.calls},
                        )
                    )
            uow.commit()

    def stop(self) -> None:
        """Write everything pending now (graceful shutdown)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None and self._thread_pid == os.getpid():
            self._thread.join(timeout=5)
        while self.flush():
            pass
