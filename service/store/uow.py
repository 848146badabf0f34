"""The unit of work: one transaction per operation, rolled back unless committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .. import process
from ..errors import ErrorCode, UserApiError
from .database import LAST_USED, PING_AFTER_IDLE, reading_engine
from .repository import Repository

T = TypeVar("T")

# SQLite reports both a busy database and a broken query as OperationalError.
_SQLITE_UNAVAILABLE = ("database is locked", "database is busy", "unable to open", "disk i/o")


def _unavailable(exc: BaseException | None) -> bool:
    """True for a failure of the database itself (unreachable, locked), not of a query."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if type(exc.orig).__module__.startswith("sqlite3"):
        return str(exc.orig).lower().startswith(_SQLITE_UNAVAILABLE)
    return True


class ConnectionLost(UserApiError):
    """SERVICE_UNAVAILABLE from a read whose connection turned out to be lost while it ran.

    A read changes nothing, so its operation may run it again on a fresh
    connection: a connection kept between calls is trusted without a ping for
    a moment (PING_AFTER_IDLE), and the server may have dropped it meanwhile.
    """

    def __init__(self) -> None:
        super().__init__(ErrorCode.SERVICE_UNAVAILABLE)


def retry_if_lost(attempt: Callable[[], T]) -> T:
    """``attempt()`` (a read), run once more when its connection turned out to be lost.

    The failed unit of work discarded that connection (and the pool's others of
    its generation), so the second attempt runs on a fresh one.
    """
    try:
        return attempt()
    except ConnectionLost:
        return attempt()


_MAIN = threading.main_thread()
# Read connections inherited from the process this one was forked from.
_INHERITED: list[Connection] = []


class UnitOfWork:
    """Opens a session; leaving without ``commit()`` rolls everything back.

    A database that cannot be reached (or stays locked) surfaces as the
    retryable SERVICE_UNAVAILABLE code instead of a driver exception.
    """

    def __init__(
        self,
        factory: Callable[[], Session | Connection],
        release: Callable[[Session | Connection, bool], None] | None = None,
        *,
        reading: bool = False,
    ) -> None:
        self._factory = factory
        # What to do with the session or connection afterwards (it failed: True); by
        # default it is closed (a connection goes back to the pool).
        self._release = release or (lambda session, _failed: session.close())
        self._reading = reading

    def __enter__(self) -> UnitOfWork:
        try:
            # A Core connection connects here; a session only when it is first used.
            self.session: Session | Connection = self._factory()
        except DBAPIError as error:
            if _unavailable(error):
                raise UserApiError(ErrorCode.SERVICE_UNAVAILABLE) from None
            raise
        self.repository = Repository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        failed = isinstance(exc, DBAPIError)
        try:
            self.session.rollback()
        except DBAPIError:
            failed = True  # The connection is gone; closing the session discards it.
        finally:
            self._release(self.session, failed)
        if self._reading and isinstance(exc, DBAPIError) and exc.connection_invalidated:
            raise ConnectionLost() from None
        if _unavailable(exc):
            raise UserApiError(ErrorCode.SERVICE_UNAVAILABLE) from None

    def commit(self) -> None:
        """Make the operation's writes permanent."""
        self.session.commit()


class UnitOfWorkFactory:
    """Builds units of work for reading or for writing on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = reading_engine(engine)
        self._write = sessionmaker(
            bind=engine.execution_options(writing=True), expire_on_commit=False
        )
        # The main thread's read connection, kept between calls (see reading()).
        self._kept: Connection | None = None
        self._kept_by = 0  # the process that connected it

    def reading(self) -> UnitOfWork:
        """A unit of work for an operation that only reads.

        A Core connection, not an ORM session: reads need no identity map, and a
        session costs several times the query on the per-call path. It autocommits
        (store/database.py): a read makes one or two queries, each seeing committed
        data, and needs no BEGIN and ROLLBACK around them. A connection lost while
        it ran surfaces as ConnectionLost, which the caller may run again.
        """
        if threading.current_thread() is _MAIN:
            return UnitOfWork(self._kept_connection, self._keep, reading=True)
        return UnitOfWork(self._read.connect, reading=True)

    def _kept_connection(self) -> Connection:
        """The kept read connection, unless it rested too long to be trusted unpinged.

        A gunicorn sync worker serves every call on its main thread, one at a
        time: keeping its read connection out of the pool while calls keep coming
        saves the checkout, the reset on return and the autocommit switch each
        way, about a tenth of getbalance. Idle longer than PING_AFTER_IDLE, it goes
        back to the pool, whose checkout pings it (store/database.py).
        """
        kept, now = self._kept, time.monotonic()
        if kept is not None:
            if self._kept_by != process.pid():
                # The gunicorn master's, inherited through fork: never used, closed
                # or collected here (a collected one would be reset on the master's socket).
                _INHERITED.append(kept)
            elif not kept.invalidated and now - kept.info.get(LAST_USED, now) < PING_AFTER_IDLE:
                return kept
            else:
                kept.close()
            self._kept = None
        self._kept = self._read.connect()
        self._kept_by = process.pid()
        return self._kept

    def _keep(self, connection: Session | Connection, failed: bool) -> None:
        if failed or connection is not self._kept:
            connection.close()
            if connection is self._kept:
                self._kept = None
            return
        # When it went to rest: here, and for the pool's check-in (store/database.py).
        connection.info[LAST_USED] = time.monotonic()

    def writing(self) -> UnitOfWork:
        """A unit of work for an operation that writes (takes SQLite's write lock at once)."""
        return UnitOfWork(self._write)
