"""The SQL a piece of code runs, and the database's plan for it.

Shared by the tests that check an index serves a query and by bench/console_log.py,
which prints the plans beside its timings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement sent to the driver inside the block, with its parameters."""
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def query_plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The plan's lines: EXPLAIN QUERY PLAN's details on SQLite, EXPLAIN's on PostgreSQL."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        explain = ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement
        rows = connection.exec_driver_sql(explain, parameters).all()
    return [str(row[3] if sqlite else row[0]) for row in rows]


def plans_of(engine: Engine, table: str, run: Any) -> list[list[str]]:
    """The plan of each statement ``run()`` sends that reads ``table``."""
    with statements(engine) as sent:
        run()
    return [
        query_plan(engine, statement, parameters)
        for statement, parameters in sent
        if f"FROM {table}" in statement
    ]
