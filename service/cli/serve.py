"""``serve`` and ``demo``: the service in the foreground under a serving engine."""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import replace

from ..application.accounts import DEMO_USER, reset_demo_account
from ..settings import Engine, setting
from .arguments import whole_number
from .command import CommandError, Context, Subcommands, add_command
from .db import db_upgrade


def serve(context: Context, args: argparse.Namespace) -> None:
    """Run the service in the foreground under granian or gunicorn (SIGTERM stops it)."""
    from ..engines import Launch, run
    from ..metrics import use_folder

    if args.engine:
        engine = Engine(args.engine)
    else:
        # A gunicorn config file (`serve --config deploy/gunicorn.conf.py`) names its engine.
        engine = Engine.GUNICORN if args.config else context.settings.engine
    if args.config and engine is not Engine.GUNICORN:
        raise CommandError("--config is a gunicorn config file: use it with --engine gunicorn")
    _check_address(args.bind or context.settings.bind)
    use_folder()  # before any worker starts: they all write their metrics there
    _say_if_unready(context)
    # Built for the checks above; each worker builds its own.
    context.engine.dispose()
    run(Launch(engine, args.bind, args.workers, args.config), context.settings)


def _check_address(bind: str) -> None:
    """A CommandError when ``bind`` cannot be listened on (another server has it)."""
    from ..engines import unavailable

    why = unavailable(bind)
    if why is not None:
        raise CommandError(f"cannot listen on {bind}: {why}; choose another with --bind HOST:PORT")


def _say_if_unready(context: Context) -> None:
    """Log at start why the database cannot serve yet; the server starts all the same.

    A database server that comes up later (or a schema migrated later) is served without a
    restart; until then readiness is 503 and calls fail with a coded error.
    """
    from ..bootstrap import database_unready
    from ..logs import configure

    why = database_unready(context.units)
    if why is not None:
        configure(context.settings.log_level, context.settings.log_format)
        logging.getLogger("service").warning(
            "not ready: %s; starting all the same (/health/ready answers 503 until it can serve)",
            why,
        )


def demo(context: Context, args: argparse.Namespace) -> None:
    """Prepare the database, (re)set the demo account and serve."""
    _check_address(args.bind or context.settings.bind)
    db_upgrade(context, args)
    demo_password = reset_demo_account(context.units, context.passwords)
    bind = args.bind or context.settings.bind
    # Announce nothing for an address another server holds.
    _check_address(bind)
    print(
        "\nUser Management API\n"
        f"  WSDL:     http://{bind}/api/soap/?wsdl  (SOAP 1.2: /api/soap12/?wsdl)\n"
        f"  HTTP API: http://{bind}/api/http/?class=user&method=getbalance&user=...&password=...\n"
        f"  Console:  http://{bind}/console/\n"
        f"  user:     {DEMO_USER}\n"
        f"  password: {demo_password}\n"
        "Stop with Ctrl-C.\n",
        flush=True,
    )
    args.bind = bind
    # Lines for the person at the terminal, unless the environment asks otherwise: for the
    # engine's lines (this process's settings) and the workers' (which read the environment).
    if "USERAPI_LOG_FORMAT" not in os.environ:
        os.environ["USERAPI_LOG_FORMAT"] = "text"
        context.settings = replace(context.settings, log_format="text")
    serve(context, args)


def register(commands: Subcommands) -> None:
    """``serve`` and ``demo``."""
    bind, workers, engine = setting("bind"), setting("workers"), setting("engine")
    for name, run in (("serve", serve), ("demo", demo)):
        sub = add_command(commands, name, run)
        sub.add_argument("--bind", help=f"HOST:PORT (default {bind.name}, or {bind.default})")
        sub.add_argument(
            "--engine",
            choices=[choice.value for choice in Engine],
            help=f"the serving engine (default {engine.name}, or {engine.default})",
        )
        sub.add_argument(
            "--workers",
            type=whole_number(1, workers.maximum),
            help=f"worker processes (default {workers.name}, WEB_CONCURRENCY, or one per "
            "CPU core under granian and one more under gunicorn)",
        )
        sub.add_argument(
            "--config",
            help="a gunicorn config file, e.g. deploy/gunicorn.conf.py (serves under gunicorn)",
        )
