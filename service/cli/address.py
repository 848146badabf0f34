"""``address``: an operator's checks of addresses."""

from __future__ import annotations

import argparse

from ..application import addresses
from .arguments import flag, positive_id
from .command import Context, Subcommands, add_command, add_group


def address_verify(context: Context, args: argparse.Namespace) -> None:
    """Set the verification flags of an address."""
    addresses.verify_address(context.units, args.idaddress, args.verified, args.addressverified)
    print(f"address {args.idaddress} updated")


def register(commands: Subcommands) -> None:
    """``address verify``."""
    address = add_group(commands, "address", "addresses")
    sub = add_command(address, "verify", address_verify)
    sub.add_argument("idaddress", type=positive_id)
    sub.add_argument("--verified", type=flag)
    sub.add_argument("--addressverified", type=flag)
