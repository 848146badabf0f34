"""The serving engines ``serve`` runs the WSGI application under: granian (the default) or gunicorn.

Both get the same lifecycle contract (README, Serving engines): SIGTERM stops
gracefully with every worker's API log written, SIGHUP replaces the workers, a
killed worker is replaced, a request head or body that does not arrive in time
is cut off while the other requests are served. What each engine needs for
that lives in its own module; the application (service/app) knows neither.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..settings import Engine, Settings


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


def run(launch: Launch, settings: Settings) -> None:
    """Serve in the foreground until SIGTERM or SIGINT."""
    if launch.engine is Engine.GUNICORN:
        from .gunicorn import run as run_gunicorn

        run_gunicorn(launch, settings)
    else:
        from .granian import run as run_granian

        run_granian(launch, settings)
