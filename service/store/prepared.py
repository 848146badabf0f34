"""Prepared reads: a SELECT compiled once per dialect and run straight on the DBAPI cursor.

On the per-call path SQLAlchemy's Core execution (execution context, events,
result objects) costs several times what SQLite or PostgreSQL take to answer
the indexed query itself (README, Performance). A prepared read stays a
SQLAlchemy statement: the dialect compiles it, the column types convert its
results, and driver errors become SQLAlchemy's exceptions (a lost connection
is invalidated) so the unit of work maps them as it maps every other failure.
Only the per-execution machinery is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]  # values of the statement's own literals (anonymous binds)
    order: tuple[str, ...] | None  # parameter names in order, for positional paramstyles


class PreparedRead:
    """A SELECT whose compiled form is built once per dialect."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._by_dialect: dict[str, _Compiled] = {}
        # Result converters, made from the first result's description (drivers' type codes).
        self._processors: dict[str, tuple[Callable[[Any], Any] | None, ...]] = {}

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
        if compiled.order is not None:
            values = tuple(values[name] for name in compiled.order)
        dbapi_connection = connection.connection
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, values)
            fetched = cursor.fetchall()
            processors = self._processors.get(dialect.name)
            if processors is None:
                processors = self._processors[dialect.name] = tuple(
                    column.type.dialect_impl(dialect).result_processor(dialect, described[1])
                    for column, described in zip(
                        self._statement.selected_columns, cursor.description, strict=True
                    )
                )
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, dbapi_connection, cursor)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                compiled.sql,
                None,  # never the values: they are credentials' neighbours
                error,
                dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=dialect,
            ) from None
        finally:
            cursor.close()
        if not any(processors):  # plain integers and text: the driver's rows as they are
            return [tuple(row) for row in fetched]
        return [
            tuple(
                value if process is None or value is None else process(value)
                for process, value in zip(processors, row, strict=True)
            )
            for row in fetched
        ]
