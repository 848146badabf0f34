"""``backup`` and ``restore``: the whole database to a file and back."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..store import backup
from ..terminal import shown
from .command import CommandError, Context, Subcommands, add_command


def _with_database(context: Context, action: Callable[[str, Path], None], file: str) -> None:
    """``action(DATABASE_URL, file)``; a failure is a CommandError that names the action."""
    # Built for its checks of DATABASE_URL (and an SQLite file's owner-only mode), not used.
    context.engine.dispose()
    try:
        action(context.settings.database_url, Path(file))
    except (backup.BackupError, sqlite3.Error) as error:
        raise CommandError(f"{action.__name__} failed: {error}") from None


def backup_command(context: Context, args: argparse.Namespace) -> None:
    """Write a consistent backup of the database (online: the service may keep running)."""
    _with_database(context, backup.backup, args.file)
    print(f"backed up to {shown(args.file)}")


def restore_command(context: Context, args: argparse.Namespace) -> None:
    """Replace the database's content with a backup (stop the service first)."""
    _with_database(context, backup.restore, args.file)
    print(f"restored from {shown(args.file)}")


def register(commands: Subcommands) -> None:
    """``backup FILE`` and ``restore FILE``."""
    sub = add_command(commands, "backup", backup_command)
    sub.add_argument("file", help="where to write it (SQLite file, or pg_dump custom format)")
    sub = add_command(commands, "restore", restore_command)
    sub.add_argument("file", help="a file made by backup")
