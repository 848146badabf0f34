"""``serve`` and ``demo``: the service in the foreground under gunicorn."""

from __future__ import annotations

import argparse

from ..application.accounts import DEMO_USER, reset_demo_account
from ..settings import setting
from .arguments import whole_number
from .command import Context, Subcommands, add_command
from .db import db_upgrade


def serve(context: Context, args: argparse.Namespace) -> None:
    """Run the service under gunicorn in the foreground (SIGTERM stops it)."""
    from ..server import Server, default_options

    # Built for its checks of DATABASE_URL before the server starts; each worker builds its own.
    context.engine.dispose()
    overrides = {}
    if args.bind:
        overrides["bind"] = args.bind
    if args.workers is not None:
        overrides["workers"] = args.workers
    Server(default_options(context.settings), args.config, overrides).run()


def demo(context: Context, args: argparse.Namespace) -> None:
    """Prepare the database, (re)set the demo account and serve."""
    db_upgrade(context, args)
    demo_password = reset_demo_account(context.units, context.passwords)
    bind = args.bind or context.settings.bind
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
    serve(context, args)


def register(commands: Subcommands) -> None:
    """``serve`` and ``demo``."""
    bind, workers = setting("bind"), setting("workers")
    for name, run in (("serve", serve), ("demo", demo)):
        sub = add_command(commands, name, run)
        sub.add_argument("--bind", help=f"HOST:PORT (default {bind.name}, or {bind.default})")
        sub.add_argument(
            "--workers",
            type=whole_number(workers.minimum, workers.maximum),
            help=f"gunicorn workers (default {workers.name}, or {workers.default})",
        )
        sub.add_argument("--config", help="a gunicorn config file, e.g. deploy/gunicorn.conf.py")
