"""The gunicorn engine: the packaged defaults and the embedded launcher.

``deploy/gunicorn.conf.py`` starts from these defaults; ``python -m service
serve --engine gunicorn`` uses them directly, or a config file given with ``--config``.
Sync workers serve one request at a time and close each connection: put a
buffering proxy (deploy/nginx.conf) in front of them.
"""

from __future__ import annotations

import gc
from typing import Any

from gunicorn import glogging, util
from gunicorn.app.base import Application
from gunicorn.workers import sync

from .. import logs, metrics
from ..settings import Engine, Settings
from . import Launch, worker_count


class NoAccessLog(glogging.Logger):
    """gunicorn's logger without its access log.

    Once a logging dict is given gunicorn builds every request's access entry
    (its headers, times, formatted atoms: ~5 % of a sync worker's getbalance)
    even when its logger drops it.
    """

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        """Nothing: the service logs each request itself."""


def default_options(settings: Settings) -> dict[str, Any]:
    """gunicorn settings for two cores behind a buffering proxy."""
    return {
        "bind": settings.bind,
        # Sync workers: the proxy in front buffers slow clients.
        "workers": worker_count(Engine.GUNICORN, settings),
        "worker_class": "service.engines.gunicorn.SyncWorker",
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 2,
        "limit_request_line": 8190,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        # No recycling of workers: a new worker starts with an empty credential cache
        # and pays one Argon2 verification (~0.3 s of CPU) per active login again.
        "max_requests": 0,
        "preload_app": True,
        # X-Forwarded-Proto is believed only from the proxies the service trusts.
        "forwarded_allow_ips": ",".join(settings.trusted_proxies),
        # The request line can carry credentials (HTTP API); the API log is the record.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        # gunicorn's own lines in the service's format, on stderr. With a logging dict
        # gunicorn turns its access log on: its logger is silenced here, and NoAccessLog
        # skips building each request's entry (request lines can carry credentials; the
        # service writes its own line per request).
        "logger_class": "service.engines.gunicorn.NoAccessLog",
        "logconfig_dict": {
            "root": {"level": "WARNING", "handlers": ["error_console"]},
            "loggers": {
                "gunicorn.error": {
                    "level": settings.log_level,
                    "handlers": ["error_console"],
                    "propagate": False,
                    "qualname": "gunicorn.error",
                },
                "gunicorn.access": {
                    "level": "CRITICAL",
                    "handlers": [],
                    "propagate": False,
                    "qualname": "gunicorn.access",
                },
            },
            "handlers": {
                "error_console": {
                    "class": "logging.StreamHandler",
                    "formatter": "generic",
                    "stream": "ext://sys.stderr",
                },
            },
            "formatters": {"generic": logs.formatter(settings.log_format)},
        },
        "proc_name": "usermanagement",
        # One well-known control socket path per user would be shared by every
        # master on the host (several masters is how we scale out).
        "control_socket_disable": True,
        "post_fork": post_fork,
        "worker_exit": worker_exit,
        "when_ready": when_ready,
    }


def worker_exit(server: Any, worker: Any) -> None:
    """A worker stopping gracefully writes its pending metrics and API log first."""
    metrics.flush()
    core = getattr(worker.wsgi, "core", None)
    if core is not None:
        core.api_log.stop()


def when_ready(server: Any) -> None:
    """Once the app is loaded in the master: clean logs, and start-up objects out of the GC."""
    logs.install("gunicorn.error", "service")
    gc.collect()
    gc.freeze()


class SyncWorker(sync.SyncWorker):
    """gunicorn's sync worker with a deadline on the request head.

    The stock worker waits for a request head as long as the client likes (until
    the master kills it at the worker timeout): two slow clients would stall two
    workers. The body has its own deadlines (service/app/body.py).
    """

    def accept(self, listener: Any) -> None:
        """Accept a connection whose reads time out."""
        client, address = listener.accept()
        core = getattr(self.wsgi, "core", None)
        client.settimeout((core.settings if core else Settings()).request_timeout)
        util.close_on_exec(client)
        self.handle(listener, client, address)


def post_fork(server: Any, worker: Any) -> None:
    """Each worker opens its own database connections, never the master's."""
    core = getattr(server.app.wsgi(), "core", None)  # absent in the benchmark's baseline app
    if core is not None:
        core.engine.dispose(close=False)


class Server(Application):
    """gunicorn serving ``service.app:create_app()`` with the given options."""

    def __init__(
        self,
        defaults: dict[str, Any],
        config_file: str | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        self._defaults = defaults
        self._config_file = config_file
        self._overrides = overrides or {}
        super().__init__()

    def load_config(self) -> None:
        """Defaults first, then a config file if given, then the command line's options."""
        for key, value in self._defaults.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn
                self.cfg.set(key, value)
        if self._config_file:
            self.load_config_from_file(self._config_file)
        for key, value in self._overrides.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """Build the WSGI application (once, in the master: preload_app)."""
        from ..app import create_app

        return create_app()


def run(launch: Launch, settings: Settings) -> None:
    """Serve under gunicorn in the foreground: the defaults, then --config, then the launch."""
    overrides: dict[str, Any] = {"bind": launch.bind, "workers": launch.workers}
    overrides = {key: value for key, value in overrides.items() if value is not None}
    Server(default_options(settings), launch.config_file, overrides).run()
