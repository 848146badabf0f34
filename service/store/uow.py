"""The unit of work: one transaction per operation, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ErrorCode, UserApiError
from .database import reading_engine
from .repository import Repository

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


class UnitOfWork:
    """Opens a session; leaving without ``commit()`` rolls everything back.

    A database that cannot be reached (or stays locked) surfaces as the
    retryable SERVICE_UNAVAILABLE code instead of a driver exception.
    """

    def __init__(self, factory: Callable[[], Session | Connection]) -> None:
        self._factory = factory

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
        try:
            self.session.rollback()
        except DBAPIError:
            pass  # The connection is gone; closing the session discards it.
        finally:
            self.session.close()
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

    def reading(self) -> UnitOfWork:
        """A unit of work for an operation that only reads.

        A Core connection, not an ORM session: reads need no identity map, and a
        session costs several times the query on the per-call path. It autocommits
        (store/database.py): a read makes one or two queries, each seeing committed
        data, and needs no BEGIN and ROLLBACK around them.
        """
        return UnitOfWork(self._read.connect)

    def writing(self) -> UnitOfWork:
        """A unit of work for an operation that writes (takes SQLite's write lock at once)."""
        return UnitOfWork(self._write)
