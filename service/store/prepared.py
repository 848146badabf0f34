"""Prepared statements: compiled once per dialect and run straight on the DBAPI cursor.

On the per-call path SQLAlchemy's Core execution (execution context, events,
result objects) costs several times what SQLite or PostgreSQL take to answer
the indexed query itself (README, Performance); the API log's batched insert
paid as much per row. A prepared statement stays a SQLAlchemy statement: the
dialect compiles it, the column types convert its values, and driver errors
become SQLAlchemy's exceptions (a lost connection is invalidated) so the unit
of work maps them as it maps every other failure. Only the per-execution
machinery is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Select, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.exc import DBAPIError, StatementError

if TYPE_CHECKING:  # for annotations only
    from sqlalchemy.engine.interfaces import DBAPIModule

    from .libpq import LibpqRead


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]  # values of the statement's own literals (anonymous binds)
    order: tuple[str, ...] | None  # parameter names in order, for positional paramstyles


def _driver_error(
    connection: Connection, sql: str, error: DBAPIModule.Error, cursor: Any
) -> StatementError:
    """The driver's error as SQLAlchemy's, the connection invalidated when it is lost."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection, cursor)
    if lost:
        # As SQLAlchemy's own execution does: the server went away for every connection
        # of this pool made so far, so each is replaced at its next checkout, not used.
        connection.engine.pool._invalidate(connection.connection, error)
        connection.invalidate(error)
    return DBAPIError.instance(
        sql,
        None,  # never the values: they are credentials' neighbours, or personal data
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=lost,
        dialect=dialect,
    )


Converters = tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, converter)


def _converted(row: Sequence[Any], converters: Converters) -> list[Any]:
    """``row``'s values, those at the converters' positions converted (None stays None)."""
    values = list(row)
    for position, convert in converters:
        if values[position] is not None:
            values[position] = convert(values[position])
    return values


class PreparedRead:
    """A SELECT whose compiled form is built once per dialect.

    On PostgreSQL an autocommit read (every read-only unit of work) goes through
    libpq's prepared-statement calls (store/libpq.py); the rest, and SQLite, run on
    a DBAPI cursor.
    """

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self._statement = statement
        self._by_dialect: dict[str, _Compiled] = {}
        # (position, converter) of the result columns whose type converts the driver's
        # value, made from the first result's column types (drivers' type codes).
        self._processors: dict[str, Converters] = {}
        self._libpq: tuple[LibpqRead, tuple[str, ...]] | None = None  # and its parameters

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            form = self._statement.compile(dialect=dialect)
            order = tuple(form.positiontup or ()) if form.positional else None
            compiled = _Compiled(form.string, dict(form.params), order)
            self._by_dialect[dialect.name] = compiled
        return compiled

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement on ``connection``'s DBAPI connection; rows with converted values."""
        dialect = connection.dialect
        compiled = self._compiled(dialect)
        values: Any = {**compiled.defaults, **params}
        dbapi_connection = connection.connection
        processors = self._processors.get(dialect.name)
        describe = processors is None  # the column types are needed once, for the converters
        try:
            driver = dbapi_connection.driver_connection
            if dialect.name == "postgresql" and driver is not None and driver.autocommit:
                fetched, types = self._libpq_rows(dialect, dbapi_connection, values, describe)
            else:
                fetched, types = self._cursor_rows(compiled, dbapi_connection, values, describe)
        except dialect.loaded_dbapi.Error as error:
            raise _driver_error(connection, compiled.sql, error, None) from None
        if processors is None:
            processors = self._processors[dialect.name] = self._converters(dialect, types)
        if not processors:  # plain integers and text: the driver's rows as they are
            return [tuple(row) for row in fetched]
        return [tuple(_converted(row, processors)) for row in fetched]

    @staticmethod
    def _cursor_rows(
        compiled: _Compiled, dbapi_connection: Any, values: dict[str, Any], describe: bool
    ) -> tuple[Sequence[Sequence[Any]], tuple[Any, ...]]:
        bound: Sequence[Any] | dict[str, Any] = values
        if compiled.order is not None:
            bound = tuple(values[name] for name in compiled.order)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, bound)
            fetched = cursor.fetchall()
            if not describe:
                return fetched, ()
            return fetched, tuple(described[1] for described in cursor.description)
        finally:
            cursor.close()

    def _libpq_rows(
        self, dialect: Dialect, dbapi_connection: Any, values: dict[str, Any], describe: bool
    ) -> tuple[Sequence[Sequence[Any]], tuple[Any, ...]]:
        if self._libpq is None:
            # psycopg is imported by the first PostgreSQL read: a command on SQLite skips it.
            from .libpq import LibpqRead

            # libpq numbers its parameters ($1, $2, ...): the same dialect, that paramstyle.
            numbered = cast(type[DefaultDialect], type(dialect))(paramstyle="numeric_dollar")
            form = self._statement.compile(dialect=numbered)
            order = tuple(form.positiontup or ())
            self._libpq = LibpqRead(form.string, len(order)), order
        statement, order = self._libpq
        return statement.rows(
            dbapi_connection.driver_connection,
            dbapi_connection.info,
            [values[name] for name in order],
            describe,
        )

    def _converters(self, dialect: Dialect, types: Sequence[Any]) -> Converters:
        columns = zip(self._statement.selected_columns, types, strict=True)
        processors = (
            column.type.dialect_impl(dialect).result_processor(dialect, type_code)
            for column, type_code in columns
        )
        return tuple(
            (position, process)
            for position, process in enumerate(processors)
            if process is not None
        )


# Bound values per statement: SQLite before 3.32 allowed no more than 999.
MAX_PARAMETERS = 999


@dataclass
class _MultiRowInsert:
    """Multi-row INSERTs of at most ``rows_per_statement`` rows each (qmark drivers)."""

    sql: str  # INSERT INTO table (columns) VALUES (?, ...): one row
    rows_per_statement: int
    converters: Converters  # the columns whose type converts the value (SQLite's dates)
    by_rows: dict[int, str] = field(default_factory=dict)

    def _sql(self, rows: int) -> str:
        """The statement inserting ``rows`` rows (built once per count; drivers cache it)."""
        text = self.by_rows.get(rows)
        if text is None:
            head, _, group = self.sql.partition(" VALUES ")
            text = self.by_rows[rows] = f"{head} VALUES " + ", ".join([group] * rows)
        return text

    def run(self, cursor: Any, rows: Sequence[Sequence[Any]]) -> None:
        step = self.rows_per_statement
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            values: list[Any] = []
            for row in chunk:
                values.extend(_converted(row, self.converters) if self.converters else row)
            cursor.execute(self._sql(len(chunk)), values)


@dataclass(frozen=True)
class _Copy:
    """PostgreSQL's COPY FROM STDIN, the driver adapting each value."""

    sql: str

    def run(self, cursor: Any, rows: Sequence[Sequence[Any]]) -> None:
        with cursor.copy(self.sql) as copy:
            for row in rows:
                copy.write_row(row)


class PreparedInsert:
    """An INSERT of fixed columns for many rows at once, prepared once per dialect.

    On PostgreSQL a COPY, its bulk path. Elsewhere (SQLite) multi-row INSERTs
    rather than ``executemany``: the driver releases the interpreter lock once per
    statement, and a background writer taking it back once per row made the
    worker's request thread wait for it. Rows are sequences of values in
    ``columns`` order.
    """

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self._table = table
        self.columns = tuple(columns)
        self._by_dialect: dict[str, _MultiRowInsert | _Copy] = {}

    def _copy(self, dialect: Dialect) -> _Copy:
        quote = dialect.identifier_preparer
        names = ", ".join(quote.quote(name) for name in self.columns)
        return _Copy(f"COPY {quote.format_table(self._table)} ({names}) FROM STDIN")

    def _insert(self, dialect: Dialect) -> _MultiRowInsert:
        if dialect.paramstyle != "qmark":
            raise ValueError(f"no multi-row INSERT for the {dialect.paramstyle} paramstyle")
        form = insert(self._table).compile(dialect=dialect, column_keys=list(self.columns))
        if tuple(form.positiontup or ()) != self.columns:
            raise ValueError("the compiled INSERT does not take the columns in order")
        converters = []
        for position, name in enumerate(self.columns):
            process = self._table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                converters.append((position, process))
        rows_per_statement = max(1, MAX_PARAMETERS // len(self.columns))
        return _MultiRowInsert(form.string, rows_per_statement, tuple(converters))

    def run_many(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` on ``connection``'s DBAPI connection (inside its transaction)."""
        dialect = connection.dialect
        prepared = self._by_dialect.get(dialect.name)
        if prepared is None:
            postgresql = dialect.name == "postgresql"
            prepared = self._copy(dialect) if postgresql else self._insert(dialect)
            self._by_dialect[dialect.name] = prepared
        cursor = connection.connection.cursor()
        try:
            prepared.run(cursor, rows)
        except dialect.loaded_dbapi.Error as error:
            raise _driver_error(connection, prepared.sql, error, cursor) from None
        finally:
            cursor.close()
