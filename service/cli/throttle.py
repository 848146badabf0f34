"""``throttle``: failed-login counters and blocks."""

from __future__ import annotations

import argparse

from ..application import throttle
from ..terminal import json_line, line
from .arguments import email, ip_address
from .command import CommandError, Context, Subcommands, add_command, add_group, add_json_flag


def throttle_list(context: Context, args: argparse.Namespace) -> None:
    """List failed-login counters and blocks."""
    for record in throttle.throttle_records(context.units):
        if args.json:
            until = record.blocked_until.isoformat() if record.blocked_until else None
            key = {"key": record.key.stored, "failures": record.failures}
            print(json_line({**key, "blocked_until": until}))
            continue
        blocked = record.blocked_until.isoformat() if record.blocked_until else "-"
        print(line(record.key.stored, f"{record.failures} failures", f"blocked until {blocked}"))


def throttle_clear(context: Context, args: argparse.Namespace) -> None:
    """Forget failed logins (and lift blocks) of an account, a source address, or all."""
    if not (args.user or args.ip or args.all):
        raise CommandError("say what to clear: --user EMAIL, --ip ADDRESS (or both), or --all")
    cleared = throttle.clear_throttle(context.units, args.user, args.ip)
    print(f"cleared {cleared} throttling records")


def register(commands: Subcommands) -> None:
    """``throttle list|clear``."""
    group = add_group(commands, "throttle", "failed-login throttling")
    add_json_flag(add_command(group, "list", throttle_list))
    sub = add_command(group, "clear", throttle_clear)
    sub.add_argument("--user", type=email, help="an account's e-mail")
    sub.add_argument("--ip", type=ip_address, help="a source address (IPv6: its /64)")
    sub.add_argument("--all", action="store_true", help="every record")
