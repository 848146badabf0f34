"""Operator commands: ``python -m service <command>``, one module per command group.

Each command parses its arguments, calls the application layer and prints; the
context builds only the parts of the core the command uses (``--help`` none).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from .. import __version__
from ..application.errors import Refused
from ..errors import UserApiError
from ..settings import SettingsError
from ..store.causes import database_cause
from ..store.database import normalise_url
from ..terminal import shown
from . import (
    access,
    account,
    address,
    audit,
    backup,
    city,
    connections,
    db,
    ip,
    logs,
    serve,
    throttle,
    wsdl,
)
from .command import CommandError, Context

# The console script pyproject.toml installs.
SCRIPT = "usermanagement"
# In the order `--help` lists them.
GROUPS = (
    db,
    account,
    city,
    address,
    access,
    ip,
    logs,
    backup,
    connections,
    throttle,
    serve,
    wsdl,
)


def _program() -> str:
    """How the operator called us: the installed script's name, else ``python -m service``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return SCRIPT if name == SCRIPT else "python -m service"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_program(), description="User Management API: operator commands."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(commands)
    return parser


def _where(url: str) -> str:
    """The database's host and name, never its password."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "memory"
    return f"{parsed.host or 'localhost'}:{parsed.port or ''}/{parsed.database or ''}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    context = Context()
    try:
        try:
            args.run(context, args)
        except Refused as refused:
            audit.record(context, args, refused)
            raise
        audit.record(context, args, None)
    except (SettingsError, CommandError, Refused) as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        return 1
    except IntegrityError:
        print("error: the change conflicts with existing data", file=sys.stderr)
        return 1
    except (DBAPIError, UserApiError) as error:
        # UserApiError here is SERVICE_UNAVAILABLE: the unit of work could not reach it.
        unnamed = "it did not answer" if isinstance(error, UserApiError) else type(error).__name__
        cause = database_cause(error) or unnamed
        where = _where(context.settings.database_url)
        print(f"error: cannot use the database at {where}: {cause}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # An operator sees what failed, never a traceback with data in it.
        print(f"error: internal error ({type(error).__name__})", file=sys.stderr)
        return 1
    return 0
