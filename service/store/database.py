"""Engines for the two supported stores: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from .files import SQLITE_HEADER, NotOurs, owner_only_file, owner_only_folder, tighten

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Seconds a connection may sit unused before it is pinged on its next use: a pooled
# PostgreSQL connection on checkout, the kept read connection (store/kept.py) on any store.
PING_AFTER_IDLE = 1.0


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
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
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
    _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    """Pre-ping a pooled connection that has been idle: a busy one has just proved itself.

    SQLAlchemy's pool_pre_ping pings on every checkout: a round trip and a
    statement on the server per call, a fifth of what getbalance costs the
    database. A connection back in use within PING_AFTER_IDLE seconds answered
    a moment ago; one idle longer (a restart, a dropped TCP session) is pinged,
    and a failed ping invalidates the whole pool, as pool_pre_ping would.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError() from error


def reading_engine(engine: Engine) -> Engine:
    """The engine for read-only units of work: every statement is its own transaction.

    On SQLite the driver already autocommits and the "begin" listener below skips
    its BEGIN; on PostgreSQL autocommit saves the BEGIN and ROLLBACK round trips
    (a client-side switch in psycopg; on SQLite it would cost a PRAGMA per call).
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(reading=True, isolation_level="AUTOCOMMIT")
    return engine.execution_options(reading=True)


def _owner_only_database(path: Path) -> None:
    """The database file owner-only, created so if missing, with its WAL and SHM files.

    SQLite gives the -wal and -shm files it creates the database file's mode. A
    file or folder that cannot be made (a read-only folder), or a file that is not
    a SQLite database, is left as it is to SQLite, which says why when it connects.
    """
    try:
        owner_only_folder(path.parent)
        owner_only_file(path, (SQLITE_HEADER,))
    except (OSError, NotOurs):
        return
    for companion in ("-wal", "-shm"):
        tighten(path.with_name(path.name + companion))


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        _owner_only_database(Path(database))
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
