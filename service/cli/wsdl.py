"""``wsdl``: the WSDL as committed under wsdl/; it needs neither the database nor settings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .command import Context, Subcommands, add_command

# The address the committed WSDLs carry; a served WSDL carries the caller's.
COMMITTED_WSDL_URL = "http://localhost:8000"


def wsdl(context: Context, args: argparse.Namespace) -> None:
    """Write a WSDL as committed under wsdl/ (address http://localhost:8000)."""
    from ..app.wsgi import SOAP12_PATH, SOAP_PATH
    from ..soap.wsdl import build_wsdl, with_address

    path = SOAP12_PATH if args.soap == "1.2" else SOAP_PATH
    document = with_address(build_wsdl(args.soap), COMMITTED_WSDL_URL + path)
    if args.output:
        Path(args.output).write_bytes(document)
    else:
        sys.stdout.buffer.write(document)


def register(commands: Subcommands) -> None:
    """``wsdl [--soap 1.1|1.2] [--output FILE]``."""
    sub = add_command(commands, "wsdl", wsdl)
    sub.add_argument("--soap", choices=("1.1", "1.2"), default="1.1", help="SOAP version")
    sub.add_argument("--output", help="file to write (default: standard output)")
