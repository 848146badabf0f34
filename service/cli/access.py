"""``access``: API accesses, each an extra login of an account with its own secret."""

from __future__ import annotations

import argparse

from ..application import accesses
from ..domain.access import OWN_LOGIN, AccessState
from ..terminal import json_line, line, shown
from .arguments import access_name, email
from .command import Context, Subcommands, add_command, add_group, add_json_flag


def access_create(context: Context, args: argparse.Namespace) -> None:
    """Create an API access; its login and secret are shown this once."""
    created = accesses.create_access(context.units, context.passwords, args.email, args.name)
    print(
        f"access {shown(args.name)} of {shown(args.email)}\n"
        f"  user:     {created.login}\n  password: {created.secret}\n"
        "The password is shown only now; it is stored as a hash."
    )


def access_list(context: Context, args: argparse.Namespace) -> None:
    """List an account's API accesses with their last use (connection tracking)."""
    for access in accesses.accesses(context.units, args.email):
        login = access.login or f"{args.email} (own login)"
        if args.json:
            used = access.last_used_at
            record: dict[str, str | None] = {
                "name": access.name,
                "login": access.login or args.email,
                "state": str(access.state),
                "last_used_at": used.isoformat() if used else None,
                "last_source_ip": access.last_source_ip,
                "last_api": access.last_api,
                "last_method": access.last_method,
            }
            print(json_line(record))
            continue
        last = "never used"
        if access.last_used_at is not None:
            last = (
                f"last {access.last_used_at.isoformat()} from {access.last_source_ip}"
                f" via {access.last_api} {access.last_method}"
            )
        print(line(access.name, login, access.state, last))


def _set_state(context: Context, args: argparse.Namespace, state: AccessState) -> None:
    accesses.set_access_state(context.units, args.email, args.name, state)
    print(f"access {shown(args.name)} of {shown(args.email)} is {state}")


def access_enable(context: Context, args: argparse.Namespace) -> None:
    """Enable an access (not a revoked one)."""
    _set_state(context, args, AccessState.ENABLED)


def access_disable(context: Context, args: argparse.Namespace) -> None:
    """Disable an access until it is enabled again."""
    _set_state(context, args, AccessState.DISABLED)


def access_revoke(context: Context, args: argparse.Namespace) -> None:
    """Revoke an access for good."""
    _set_state(context, args, AccessState.REVOKED)


def register(commands: Subcommands) -> None:
    """``access create|list|enable|disable|revoke``."""
    access = add_group(commands, "access", "API accesses")
    sub = add_command(access, "create", access_create)
    sub.add_argument("email", type=email)
    sub.add_argument("--name", type=access_name, required=True)
    sub = add_command(access, "list", access_list)
    sub.add_argument("email", type=email)
    add_json_flag(sub)
    for name, run in (
        ("enable", access_enable),
        ("disable", access_disable),
        ("revoke", access_revoke),
    ):
        sub = add_command(access, name, run)
        sub.add_argument("email", type=email)
        sub.add_argument("name", type=access_name, help=f"the access ('{OWN_LOGIN}': own login)")
