"""Units of work: a read on a connection, or one transaction of writes on a session.

Either maps a database that cannot be reached (or stays locked) to the
retryable SERVICE_UNAVAILABLE code instead of a driver exception.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cached_property, partial
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ErrorCode, UserApiError
from .accesses import Accesses
from .accounts import Accounts
from .addresses import Addresses
from .api_log import ApiLog
from .channels import Channels
from .cities import Cities
from .database import reading_engine
from .kept import KeptConnections
from .listings import Listings
from .reads import Reads
from .security import Security
from .sessions import ConsoleSessions
from .throttle import ThrottleRecords

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
    connection: a kept connection is trusted without a ping for a moment
    (store/kept.py), and the server may have dropped it meanwhile.
    """

    def __init__(self) -> None:
        super().__init__(ErrorCode.SERVICE_UNAVAILABLE)


def retry_if_lost(attempt: Callable[[], T]) -> T:
    """``attempt()`` (a read), run once more when its connection turned out to be lost.

    The failed unit of work discarded that connection, so the second attempt
    runs on a fresh one.
    """
    try:
        return attempt()
    except ConnectionLost:
        return attempt()


class UnitOfWork(ABC):
    """What reading and writing units share: opening, the reads, and the error mapping."""

    # A read changes nothing: one whose connection was lost may run again (ConnectionLost).
    _may_run_again = False

    def __enter__(self) -> Self:
        try:
            self._open()
        except DBAPIError as error:
            if _unavailable(error):
                raise UserApiError(ErrorCode.SERVICE_UNAVAILABLE) from None
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close(failed=isinstance(exc, DBAPIError))
        if self._may_run_again and isinstance(exc, DBAPIError) and exc.connection_invalidated:
            raise ConnectionLost() from None
        if _unavailable(exc):
            raise UserApiError(ErrorCode.SERVICE_UNAVAILABLE) from None

    @abstractmethod
    def _open(self) -> None:
        """Take a connection or a session."""

    @abstractmethod
    def _close(self, *, failed: bool) -> None:
        """Roll back what is not committed and give the connection or session back."""

    @abstractmethod
    def _reading_connection(self) -> Connection:
        """The connection the reads run on."""

    @cached_property
    def reads(self) -> Reads:
        """The reads of a call."""
        return Reads(self._reading_connection())

    @cached_property
    def listings(self) -> Listings:
        """The operator's reads."""
        return Listings(self._reading_connection())


class ReadingUnitOfWork(UnitOfWork):
    """Reads on one connection that autocommits: each query sees committed data.

    A read makes one or two queries and needs no BEGIN and ROLLBACK around
    them. A connection lost while it ran surfaces as ConnectionLost, which the
    caller may run again.
    """

    _may_run_again = True

    def __init__(
        self, connect: Callable[[], Connection], release: Callable[[Connection, bool], None]
    ) -> None:
        self._connect = connect
        self._release = release  # what to do with the connection afterwards (failed: True)

    def _open(self) -> None:
        self.connection = self._connect()
        self.reads = Reads(self.connection)  # every read uses them: built here, not on demand

    def _reading_connection(self) -> Connection:
        return self.connection

    def _close(self, *, failed: bool) -> None:
        try:
            self.connection.rollback()
        except DBAPIError:
            failed = True  # the connection is gone: closing it discards it
        finally:
            self._release(self.connection, failed)


class WritingUnitOfWork(UnitOfWork):
    """One transaction on a session: leaving without ``commit()`` rolls everything back.

    Reads in it run on the session's connection, inside the transaction (the
    first one begins it); writes go through one repository per area.
    """

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def _open(self) -> None:
        session = self.session = self._sessions()  # it connects when first used
        self.accounts = Accounts(session)
        self.addresses = Addresses(session)
        self.channels = Channels(session)
        self.accesses = Accesses(session)  # and their IP filters
        self.cities = Cities(session)
        self.throttle = ThrottleRecords(session)
        self.security = Security(session)  # shared secrets and WS-Security nonces
        self.api_log = ApiLog(session)  # and the connection tracking
        self.sessions = ConsoleSessions(session)  # the account console's

    def _reading_connection(self) -> Connection:
        return self.session.connection()

    def _close(self, *, failed: bool) -> None:
        try:
            self.session.rollback()
        except DBAPIError:
            pass  # the connection is gone: closing the session discards it
        finally:
            self.session.close()

    def commit(self) -> None:
        """Make the writes permanent."""
        self.session.commit()


class UnitOfWorkFactory:
    """Builds units of work for reading or for writing on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = reading_engine(engine)
        self._write = sessionmaker(
            bind=engine.execution_options(writing=True), expire_on_commit=False
        )
        self._kept = KeptConnections(self._read)  # store/kept.py

    def reading(self) -> ReadingUnitOfWork:
        """A unit of work for an operation that only reads.

        A Core connection, not an ORM session: reads need no identity map, and a
        session costs several times the query on the per-call path. Each thread
        keeps its connection between calls.
        """
        kept = self._kept.take()
        return ReadingUnitOfWork(kept.connect, partial(self._kept.give_back, kept))

    def writing(self) -> WritingUnitOfWork:
        """A unit of work for an operation that writes (takes SQLite's write lock at once)."""
        return WritingUnitOfWork(self._write)
