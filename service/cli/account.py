"""``account``: create accounts, set their balance or password, switch them, list them."""

from __future__ import annotations

import argparse
from decimal import Decimal

from ..application import accounts
from ..terminal import json_line, line, shown
from .arguments import amount, email, password
from .command import Context, Subcommands, add_command, add_group, add_json_flag
from .prompt import CREDENTIAL_HELP, new_password


def account_create(context: Context, args: argparse.Namespace) -> None:
    """Create an account with its default channels."""
    units, passwords = context.units, context.passwords  # a bad setting fails before the prompt
    accounts.create_account(units, passwords, args.email, new_password(args.password), args.balance)
    print(f"created account {shown(args.email)} with balance {args.balance}")


def account_set_balance(context: Context, args: argparse.Namespace) -> None:
    """Set an account's balance."""
    accounts.set_balance(context.units, args.email, args.amount)
    print(f"balance of {shown(args.email)} is now {args.amount}")


def account_set_password(context: Context, args: argparse.Namespace) -> None:
    """Replace an account's password."""
    units, passwords = context.units, context.passwords  # a bad setting fails before the prompt
    accounts.set_password(units, passwords, args.email, new_password(args.password))
    print(f"password of {shown(args.email)} changed")


def account_disable(context: Context, args: argparse.Namespace) -> None:
    """Disable a whole account: its own login and every API access, tokens included."""
    accounts.switch_account(context.units, args.email, disabled=True)
    print(f"account {shown(args.email)} is disabled")


def account_enable(context: Context, args: argparse.Namespace) -> None:
    """Enable a disabled account again (each access keeps its own state)."""
    accounts.switch_account(context.units, args.email, disabled=False)
    print(f"account {shown(args.email)} is enabled")


def account_list(context: Context, args: argparse.Namespace) -> None:
    """List the accounts with their balances and address counts."""
    for address, balance, addresses in accounts.accounts(context.units):
        if args.json:
            print(json_line({"email": address, "balance": str(balance), "addresses": addresses}))
        else:
            print(line(address, balance, f"{addresses} addresses"))


def register(commands: Subcommands) -> None:
    """``account create|set-balance|set-password|list|disable|enable``."""
    account = add_group(commands, "account", "accounts")
    sub = add_command(account, "create", account_create)
    sub.add_argument("email", type=email)
    sub.add_argument("--password", type=password, help=CREDENTIAL_HELP)
    sub.add_argument("--balance", type=amount, default=Decimal("0.00"))
    sub = add_command(account, "set-balance", account_set_balance)
    sub.add_argument("email", type=email)
    sub.add_argument("amount", type=amount)
    sub = add_command(account, "set-password", account_set_password)
    sub.add_argument("email", type=email)
    sub.add_argument("--password", type=password, help=CREDENTIAL_HELP)
    add_json_flag(add_command(account, "list", account_list))
    for name, run in (("disable", account_disable), ("enable", account_enable)):
        sub = add_command(account, name, run)
        sub.add_argument("email", type=email)
