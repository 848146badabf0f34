"""What every command module uses: the context it runs in, its error, and how it registers."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from ..bootstrap import CoreParts

# The subcommands of the program or of a command group.
Subcommands = argparse._SubParsersAction
# A command: it parses nothing (argparse did), calls the application, prints.
Run = Callable[["Context", argparse.Namespace], None]


class CommandError(Exception):
    """A one-line message for the operator; the command exits with status 1."""


class Context(CoreParts):
    """The core's parts a command asks for, each built when first used (nothing for --help)."""

    @cached_property
    def engine(self) -> Engine:
        """The engine for ``DATABASE_URL``; a URL no installed driver serves is a CommandError."""
        try:
            return super().engine
        except (ArgumentError, NoSuchModuleError):
            raise CommandError("DATABASE_URL is not a supported database URL") from None


def add_command(parent: Subcommands, name: str, run: Run) -> argparse.ArgumentParser:
    """Register ``run`` as the command ``name``; its docstring's first line is its help."""
    sub = parent.add_parser(name, help=(run.__doc__ or "").splitlines()[0])
    # The command's words ("account set-balance"): the API log's method for an operator action.
    group = getattr(parent, "group_name", None)
    sub.set_defaults(run=run, action=f"{group} {name}" if group else name)
    return sub


def add_json_flag(command: argparse.ArgumentParser) -> None:
    """``--json``: the listing as one JSON object a line, beside its tab-separated text."""
    command.add_argument(
        "--json", action="store_true", help="one JSON object a line instead of tab-separated text"
    )


def add_group(parent: Subcommands, name: str, help_text: str) -> Subcommands:
    """Register the command group ``name``; returns where its commands go."""
    commands = parent.add_parser(name, help=help_text).add_subparsers(required=True)
    commands.group_name = name  # read by add_command
    return commands
