"""PostgreSQL reads through libpq's prepared-statement calls, with psycopg's adapters.

psycopg's cursor path (a cursor, a query object, its own prepared-statement
bookkeeping, a fresh transformer per execution) cost a worker about half again
what libpq's round trip itself costs on the client (README, Performance).
Here a statement is prepared once per connection under a name of its own and
run with PQexecPrepared; parameters go through psycopg's dumpers and rows
through its loaders, so values and errors are the ones the cursor would give.
Used for reads on autocommit connections only: inside a transaction psycopg
must send its BEGIN first, which only its own execution path does.
"""

from __future__ import annotations

import itertools
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import abc, errors, pq
from psycopg.adapt import PyFormat, Transformer

if TYPE_CHECKING:
    from psycopg.pq.abc import PGresult

# In a pooled connection's info (cleared when the connection closes): what this
# module prepared on it.
_SESSION = "libpq_statements"
# invalid_sql_statement_name: the statement is gone (DEALLOCATE ALL, a pooler that
# handed over another server session); it is prepared again once.
_STATEMENT_MISSING = "26000"


@dataclass
class _Session:
    transformer: abc.Transformer
    prepared: set[bytes] = field(default_factory=set)


class LibpqRead:
    """One SELECT, prepared on each connection that runs it."""

    _numbers = itertools.count(1)

    def __init__(self, sql: str, parameters: int) -> None:
        """``sql`` takes its ``parameters`` as $1, $2, ..."""
        self.name = f"userapi_read_{next(self._numbers)}".encode()
        self.sql = sql.encode()
        self._formats = [PyFormat.TEXT] * parameters  # every value sent as text

    def rows(
        self,
        connection: psycopg.Connection[Any],
        info: MutableMapping[str, Any],
        values: Sequence[Any],
        describe: bool,
    ) -> tuple[list[tuple[Any, ...]], tuple[int, ...]]:
        """The rows for ``values``, and if ``describe`` the type of each column (its OID).

        ``info`` lives as long as ``connection`` (SQLAlchemy's connection info).
        Raises psycopg's errors, as its cursor would.
        """
        session = info.get(_SESSION)
        if session is None:
            session = info[_SESSION] = _Session(Transformer(connection))
        transformer = session.transformer
        params = transformer.dump_sequence(values, self._formats)
        result = self._execute(connection, session, params)
        if result.status == pq.ExecStatus.FATAL_ERROR and self._missing(result):
            session.prepared.discard(self.name)
            result = self._execute(connection, session, params)
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise _error(connection, result)
        transformer.set_pgresult(result)
        types = tuple(result.ftype(column) for column in range(result.nfields)) if describe else ()
        return transformer.load_rows(0, result.ntuples, tuple), types

    def _execute(
        self, connection: psycopg.Connection[Any], session: _Session, params: Sequence[Any]
    ) -> PGresult:
        pgconn = connection.pgconn
        if self.name not in session.prepared:
            prepared = pgconn.prepare(self.name, self.sql)
            if prepared.status != pq.ExecStatus.COMMAND_OK:
                raise _error(connection, prepared)
            session.prepared.add(self.name)
        return pgconn.exec_prepared(self.name, params)

    @staticmethod
    def _missing(result: PGresult) -> bool:
        state = result.error_field(pq.DiagnosticField.SQLSTATE)
        return state is not None and state.decode() == _STATEMENT_MISSING


def _error(connection: psycopg.Connection[Any], result: PGresult) -> psycopg.Error:
    """The error psycopg's cursor raises for ``result``: a lost connection is operational."""
    encoding = connection.info.encoding
    if connection.pgconn.status == pq.ConnStatus.BAD:
        return psycopg.OperationalError(result.get_error_message(encoding))
    return errors.error_from_result(result, encoding=encoding)
