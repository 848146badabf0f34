"""Backing up and restoring the store: SQLite's online backup, PostgreSQL's pg_dump."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from .database import normalise_url
from .files import PG_DUMP_HEADER, SQLITE_HEADER, NotOurs, owner_only_file, owner_only_folder


class BackupError(Exception):
    """A backup or restore could not be made; the message is for the operator."""


def _postgres(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL tools; the password goes in the environment."""
    parsed = make_url(normalise_url(url))
    arguments = [
        f"--host={parsed.host or 'localhost'}",
        f"--port={parsed.port or 5432}",
        f"--username={parsed.username or 'postgres'}",
        f"--dbname={parsed.database}",
    ]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return arguments, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{command[0]}: {last}")


def _owner_only_destination(path: Path, kind: str = "a backup") -> None:
    """Create ``path`` owner-only (or tighten it) before anything is written to it.

    An existing file is overwritten only when it is empty, a SQLite database or a pg_dump
    archive; ``kind`` names what it should have been in the refusal.
    """
    try:
        owner_only_file(path, (SQLITE_HEADER, PG_DUMP_HEADER))
    except OSError as error:
        raise BackupError(f"cannot write {path}: {error.strerror}") from None
    except NotOurs:
        raise BackupError(
            f"{path} exists and is not {kind}: name a new file, or remove it first"
        ) from None


def _sqlite_copy(source: str | Path, destination: Path, kind: str) -> None:
    """Copy one SQLite database into another with the online backup API (consistent)."""
    _owner_only_destination(destination, kind)
    origin = sqlite3.connect(source)
    try:
        target = sqlite3.connect(destination)
        try:
            origin.backup(target)
        finally:
            target.close()
    finally:
        origin.close()


def _sqlite_file(database: str | None) -> Path:
    """The file a SQLite URL names; an in-memory database has none to copy."""
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is in memory: there is no file to back up")
    return Path(database)


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database to ``target`` while the service runs."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_file(parsed.database), target, "a backup")
        return
    arguments, env = _postgres(url)
    _owner_only_destination(target)  # pg_dump writes into it and keeps its mode
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *arguments], env)


def restore(url: str, source: Path) -> None:
    """Replace the database's content with a backup (stop the service first)."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        database = _sqlite_file(parsed.database)
        try:
            owner_only_folder(database.parent)
        except OSError as error:
            raise BackupError(f"cannot create {database.parent}: {error.strerror}") from None
        _sqlite_copy(source, database, "a SQLite database")
        return
    arguments, env = _postgres(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", *arguments, str(source)], env)
