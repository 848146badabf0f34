"""The read connections a process keeps between calls, and their liveness check."""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine

from .. import process
from .database import PING_AFTER_IDLE

# Read connections inherited from the process this one was forked from.
_INHERITED: list[Connection] = []


class KeptConnection:
    """One read connection, kept out of the pool while calls keep coming.

    A request thread serves one call at a time (a gunicorn sync worker's main
    thread, one of a granian worker's threads): keeping its read connection out
    of the pool saves the checkout, the reset on return and the autocommit switch
    each way, about a tenth of getbalance.

    Liveness: a connection used again within PING_AFTER_IDLE seconds of its last
    use answered a moment ago and is trusted as it is; one that rested longer
    is pinged first, and replaced by a fresh one from the pool if the ping
    fails. A server that drops it inside that moment fails the call's query:
    the unit of work discards it and the read runs again (uow.ConnectionLost).
    A connection inherited through fork (the gunicorn master's) is never used,
    closed or collected here: a collected one would be reset on the master's socket.
    """

    def __init__(self, engine: Engine) -> None:
        """``engine``: the reading engine (store/database.reading_engine)."""
        self._engine = engine
        self._kept: Connection | None = None
        self._owner = 0  # the process that connected it
        self._last_used = 0.0  # time.monotonic() when its last call ended

    def connect(self) -> Connection:
        """The kept connection, alive as far as this class can tell, or a fresh one."""
        kept = self._kept
        if kept is not None:
            if self._owner != process.pid():
                _INHERITED.append(kept)
            elif not kept.invalidated and self._alive(kept):
                return kept
            else:
                kept.close()
            self._kept = None
        self._kept = self._engine.connect()
        self._owner = process.pid()
        return self._kept

    def _alive(self, kept: Connection) -> bool:
        if time.monotonic() - self._last_used < PING_AFTER_IDLE:
            return True
        dialect, dbapi_connection = self._engine.dialect, kept.connection.dbapi_connection
        assert dbapi_connection is not None  # a connection that is not closed has one
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            kept.invalidate(error)
            return False
        return True

    def release(self, connection: Connection, failed: bool) -> None:
        """The call on ``connection`` ended: keep it, unless it failed (then it is closed)."""
        if failed or connection is not self._kept:
            connection.close()
            if connection is self._kept:
                self._kept = None
            return
        self._last_used = time.monotonic()


class KeptConnections:
    """The kept read connections of a process's request threads.

    A read takes one (the most recently used first, the likeliest to be alive
    and not to need a ping), and gives it back when it ends, still connected:
    a process keeps as many as it ever read with at once, whatever its server's
    threads (gunicorn's sync worker: one; granian's threads come and go).
    Taking and giving back are a list's pop and append, atomic under the GIL.
    """

    def __init__(self, engine: Engine) -> None:
        """``engine``: the reading engine (store/database.reading_engine)."""
        self._engine = engine
        self._idle: list[KeptConnection] = []

    def take(self) -> KeptConnection:
        """An idle kept connection, or a new one."""
        try:
            return self._idle.pop()
        except IndexError:
            return KeptConnection(self._engine)

    def give_back(self, kept: KeptConnection, connection: Connection, failed: bool) -> None:
        """The read on ``kept`` ended (``failed``: its connection is discarded)."""
        kept.release(connection, failed)
        self._idle.append(kept)
