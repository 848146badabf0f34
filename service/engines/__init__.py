"""The serving engines ``serve`` runs the WSGI application under: granian (the default) or gunicorn.

Both get the same lifecycle contract (README, Serving engines): SIGTERM stops
gracefully with every worker's API log written, SIGHUP replaces the workers, a
killed worker is replaced, a request head or body that does not arrive in time
is cut off while the other requests are served. What each engine needs for
that lives in its own module; the application (service/app) knows neither.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from ..settings import Engine, Settings, SettingsError


@dataclass(frozen=True)
class Launch:
    """What ``serve`` was asked on its command line (None: not given, the settings decide)."""

    engine: Engine
    bind: str | None = None
    workers: int | None = None
    config_file: str | None = None


def worker_count(engine: Engine, settings: Settings, asked: int | None = None) -> int:
    """Workers to start: ``asked`` (--workers), USERAPI_WORKERS, WEB_CONCURRENCY, or the
    engine's own default for this machine's cores."""
    for chosen in (asked, settings.workers, settings.web_concurrency):
        if chosen:
            return chosen
    cores = os.cpu_count() or 1
    # A sync worker also waits (for the database, for the client to close the
    # connection): one more than the cores fills those gaps. granian's workers
    # hand every wait to Rust or to another thread: one per core.
    return cores + 1 if engine is Engine.GUNICORN else cores


def split_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` for IPv6) as granian takes it."""
    host, _, port = bind.rpartition(":")
    if not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) <= 65535:
        raise SettingsError(
            f"the address to bind must be HOST:PORT with a PORT from 1 to 65535, got {bind!r}"
        )
    return host.strip("[]"), int(port)


def unavailable(bind: str) -> str | None:
    """Why ``bind`` cannot be listened on (another server holds it, no such address), or None.

    Checked before a server starts, so that nothing is announced for an address
    that belongs to someone else; the engine binds it a moment later.
    """
    host, port = split_bind(bind)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        return (error.strerror or type(error).__name__).lower()
    return None


def run(launch: Launch, settings: Settings) -> None:
    """Serve in the foreground until SIGTERM or SIGINT (the metrics folder named first)."""
    if launch.engine is Engine.GUNICORN:
        from .gunicorn import run as run_gunicorn

        run_gunicorn(launch, settings)
    else:
        from .granian import run as run_granian

        run_granian(launch, settings)
