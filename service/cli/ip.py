"""``ip``: the IP filters of an account and of its accesses."""

from __future__ import annotations

import argparse

from ..application import networks
from ..terminal import json_line, line, shown
from .arguments import access_name, email, network
from .command import Context, Subcommands, add_command, add_group, add_json_flag


def _show_filter(args: argparse.Namespace, allowed: list[str]) -> None:
    scope = f"access {args.access}" if args.access else "the account"
    listed = ", ".join(allowed) or "every address (no filter)"
    print(shown(f"{args.email}, {scope}: {listed}"))


def ip_allow(context: Context, args: argparse.Namespace) -> None:
    """Add an address or network to an IP filter (an empty filter allows every address)."""
    _show_filter(args, networks.allow_network(context.units, args.email, args.network, args.access))


def ip_deny(context: Context, args: argparse.Namespace) -> None:
    """Remove an address or network from an IP filter."""
    _show_filter(args, networks.deny_network(context.units, args.email, args.network, args.access))


def ip_list(context: Context, args: argparse.Namespace) -> None:
    """Show the account's IP filter and its accesses'."""
    filters = networks.ip_filters(context.units, args.email)
    if args.json:
        print(json_line({"filter": "account", "allowed": filters.account}))
        for name, allowed in filters.accesses:
            print(json_line({"filter": "access", "access": name, "allowed": allowed}))
        return
    print(line("account", ", ".join(filters.account) or "(all)"))
    for name, allowed in filters.accesses:
        print(line(f"access {name}", ", ".join(allowed)))


def register(commands: Subcommands) -> None:
    """``ip allow|deny|list``."""
    ip = add_group(commands, "ip", "IP filters")
    for name, run in (("allow", ip_allow), ("deny", ip_deny)):
        sub = add_command(ip, name, run)
        sub.add_argument("email", type=email)
        sub.add_argument("network", type=network)
        sub.add_argument(
            "--access", type=access_name, help="the access's filter, not the account's"
        )
    sub = add_command(ip, "list", ip_list)
    sub.add_argument("email", type=email)
    add_json_flag(sub)
