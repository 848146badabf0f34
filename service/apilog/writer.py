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
import threading
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError

from .. import process
from ..dispatch.context import RequestContext
from ..errors import UserApiError
from ..metrics import metrics
from ..store.api_log import COLUMNS
from ..store.uow import UnitOfWorkFactory
from .parameters import bounded, clean_parameters

log = logging.getLogger("service.apilog")
# A busy worker writes every BATCH records rather than waiting for the timer: the
# writer then holds the interpreter for a few milliseconds, not for tens of them.
BATCH = 1024

_CREATED, _SOURCE_IP, _API, _METHOD, _ACCESS, _ERROR = (
    COLUMNS.index(name)
    for name in ("created_at", "source_ip", "api", "method", "access_id", "error_code")
)


class ApiLogWriter:
    """Queues log records and writes them in batches from a thread of its own."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        *,
        enabled: bool,
        mask_personal: bool,
        flush_seconds: float,
        max_pending: int,
    ) -> None:
        self._units = units
        self.enabled = enabled
        self._mask_personal = mask_personal
        self._flush_seconds = flush_seconds
        self._max_pending = max_pending
        self._pending: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        self.dropped = 0

    def record(self, context: RequestContext, duration_ms: int) -> None:
        """Queue one request's record (never blocks on the database)."""
        if not self.enabled:
            return
        # A tuple in COLUMNS order: the insert takes it as it is.
        # What a caller chose (class, method, parameters, user agent) is cleaned and
        # bounded to its column: one value the database refuses would cost the batch.
        row = (
            context.request_id,
            context.created_at,
            bounded(context.caller.source_ip, 45) or "",
            context.caller.api.value,
            bounded(context.api_class, 32),
            bounded(context.method, 32),
            context.caller.account_id,
            context.caller.access_id,
            clean_parameters(context.parameters, self._mask_personal),
            "ERROR" if context.error_code else "SUCCESS",
            context.error_code,
            bounded(context.result, 500),
            context.http_status,
            duration_ms,
            context.bytes_in,
            context.bytes_out,
            bounded(context.user_agent, 200),
        )
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
        if self._thread is None or self._thread_pid != process.pid():
            with self._lock:
                if self._thread is None or self._thread_pid != process.pid():
                    self._thread_pid = process.pid()
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
        """Write what is pending; returns how many records were written.

        While the database is unavailable the records wait for the next try. A
        batch the database refuses for its content is written record by record,
        and a record it still refuses is set aside (counted in the server log
        with its request id), so it cannot hold back every record after it.
        """
        with self._lock:
            rows, self._pending = self._pending, []
            dropped, self.dropped = self.dropped, 0
        if dropped:
            log.warning("api log: %d records dropped while the database was slow", dropped)
            metrics().api_log_dropped.inc(dropped)
        try:
            return self._write_all(rows)
        finally:
            metrics().api_log_pending.set(len(self._pending))

    def _write_all(self, rows: list[tuple[Any, ...]]) -> int:
        if not rows:
            return 0
        try:
            self._write(rows)
        except UserApiError:  # SERVICE_UNAVAILABLE: the unit of work could not reach it
            self._keep(rows)
            return 0
        except DBAPIError:
            return self._write_each(rows)
        return len(rows)

    def _write_each(self, rows: list[tuple[Any, ...]]) -> int:
        written = 0
        refused: list[str] = []
        for index, row in enumerate(rows):
            try:
                self._write([row])
            except UserApiError:
                self._keep(rows[index:])
                break
            except DBAPIError as error:
                refused.append(f"{row[0]} ({type(error.orig).__name__})")
            else:
                written += 1
        if refused:
            log.warning(
                "api log: %d records set aside, the database refused them: %s",
                len(refused),
                ", ".join(refused[:10]) + (" ..." if len(refused) > 10 else ""),
            )
        return written

    def _keep(self, rows: list[tuple[Any, ...]]) -> None:
        """Put unwritten records back in front of the queue, as far as it has room."""
        with self._lock:
            room = max(self._max_pending - len(self._pending), 0)
            kept = rows[-room:] if room else []
            self.dropped += len(rows) - len(kept)
            self._pending = kept + self._pending

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        calls: dict[tuple[int, date, str, str], int] = defaultdict(int)
        last: dict[int, tuple[datetime, str, str, str | None]] = {}
        first: dict[int, datetime] = {}
        for row in rows:
            access = row[_ACCESS]
            if access is None or row[_ERROR]:
                continue
            created = row[_CREATED]
            calls[(access, created.date(), row[_API], row[_METHOD] or "")] += 1
            last[access] = (created, row[_SOURCE_IP], row[_API], row[_METHOD])
            first.setdefault(access, created)
        with self._units.writing() as uow:
            uow.api_log.add(rows)
            uow.api_log.track_uses(last, first, calls)
            uow.commit()

    def stop(self) -> None:
        """Write everything pending now (graceful shutdown)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None and self._thread_pid == process.pid():
            self._thread.join(timeout=5)
        while self.flush():
            pass
