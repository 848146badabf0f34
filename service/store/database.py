"""Engines for the two supported stores: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and drive them with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for ``url``, set up for several workers writing at once."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        # A database that stops answering must fail a call in about two seconds, not
        # hang a worker: bounded connects, and TCP gives up on unacknowledged data.
        connect_args={
            "connect_timeout": 2,
            "tcp_user_timeout": 2000,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 1,
            "keepalives_count": 2,
        },
        pool_timeout=2,
    )


def reading_engine(engine: Engine) -> Engine:
    """The engine for read-only units of work: every statement is its own transaction.

    On SQLite the driver already autocommits and the "begin" listener below skips
    its BEGIN; on PostgreSQL autocommit saves the BEGIN and ROLLBACK round trips
    (a client-side switch in psycopg; on SQLite it would cost a PRAGMA per call).
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(reading=True, isolation_level="AUTOCOMMIT")
    return engine.execution_options(reading=True)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how a transaction starts (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing transaction takes the write lock up front: upgrading a read
        # transaction later fails at once with "database is locked" under WAL
        # whenever another worker wrote in between, whatever the busy timeout.
        options = connection.get_execution_options()
        if options.get("reading"):
            return  # each statement of a read is its own transaction
        writing = options.get("writing", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine
