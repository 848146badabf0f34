"""``connections``: how an account's accesses are used."""

from __future__ import annotations

import argparse

from ..application import apilog
from ..terminal import json_line, line
from .arguments import email
from .command import Context, Subcommands, add_command, add_json_flag


def connections(context: Context, args: argparse.Namespace) -> None:
    """Show an account's accesses' use: calls per day, API and method."""
    for name, day, api, method, calls in apilog.usage(context.units, args.email):
        if args.json:
            record = {"day": day.isoformat(), "access": name, "api": api, "method": method}
            print(json_line({**record, "calls": calls}))
        else:
            print(line(day, name, api, method, f"{calls} calls"))


def register(commands: Subcommands) -> None:
    """``connections EMAIL``."""
    sub = add_command(commands, "connections", connections)
    sub.add_argument("email", type=email)
    add_json_flag(sub)
