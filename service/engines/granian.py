"""The granian engine (the default): HTTP in Rust, the application in each worker's threads.

What granian 2.8 does that this module answers for (read in its source):

- A worker that exits unexpectedly (killed, crashed) stops the whole server unless
  ``respawn_failed_workers`` is on: it is on. One that dies again within about five
  seconds of its respawn is a crash loop, and the server exits with status 1 for
  its supervisor (systemd, Docker) to restart it.
- Its start-up and shutdown hooks run in the main process only, and its workers
  are multiprocessing processes, which leave through ``os._exit``: ``atexit``
  never runs there. Each worker writes its pending API log from the RSGI
  application's ``__rsgi_del__``, which runs when the worker stops gracefully.
- The application is loaded in each worker, after the fork: every worker opens
  its own database connections and starts its own API-log writer.
- It reads a request head under a deadline (``header_read_timeout``), but its
  WSGI interface hands a request to a Python thread as soon as the head is in,
  and that thread then waits for the body as long as the client likes. So the
  WSGI application is served over RSGI (service/engines/rsgi.py): the body is
  awaited on the worker's event loop under the deadlines, then the application
  runs on the worker's main thread, one request at a time.
- Response header names go out in lower case (HTTP allows it).
"""

from __future__ import annotations

import gc
from typing import Any

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server.mp import MPServer as Server

from .. import logs, metrics
from ..settings import Engine, Settings
from . import Launch, split_bind, worker_count
from .rsgi import RsgiBridge

APP = "service.app:create_app"


def load_app(_target: str) -> Any:
    """Build the application in a worker (granian calls this after the fork)."""
    from ..app import create_app

    app = create_app()

    def leaving() -> None:
        metrics.flush()
        app.core.api_log.stop()

    # The metrics and the API log are written when the worker leaves gracefully (SIGTERM,
    # SIGINT, a reload): atexit does not run in granian's workers.
    bridge = RsgiBridge(app, app.limits, leaving)
    logs.install("_granian", "service")
    # Start-up objects out of the collector's way (DESIGN, platform notes).
    gc.collect()
    gc.freeze()
    return bridge


def server(launch: Launch, settings: Settings) -> Server:
    """The granian server for ``launch``, configured from ``settings``."""
    host, port = split_bind(launch.bind or settings.bind)
    return Server(
        APP,
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        workers=worker_count(Engine.GRANIAN, settings, launch.workers),
        http1_settings=HTTP1Settings(
            header_read_timeout=int(settings.request_timeout * 1000), keep_alive=True
        ),
        log_level=LogLevels(settings.log_level.lower()),
        # granian's own lines in the service's format, on stderr with the service's.
        log_dictconfig={
            "formatters": {"generic": logs.formatter(settings.log_format)},
            "handlers": {
                "console": {
                    "formatter": "generic",
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stderr",
                },
            },
            "loggers": {"_granian": {"handlers": ["console"], "propagate": False}},
        },
        log_access=False,  # the request line can carry credentials; the API log is the record
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=10,
        process_name=None,
    )


def run(launch: Launch, settings: Settings) -> None:
    """Serve under granian in the foreground until SIGTERM or SIGINT (SIGHUP: new workers)."""
    # Imported once here: forked workers (and their respawns) start with the code loaded.
    import service.app  # noqa: F401

    server(launch, settings).serve(target_loader=load_app)
