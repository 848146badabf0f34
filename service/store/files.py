"""Files that hold secrets (the SQLite database, its WAL and SHM, backups): owner-only.

They carry every Argon2 hash and the JWT signing key, so they are created with
mode 0600, and a folder made for them with 0700. A file found open to other
local users (made before this rule, or copied in) is tightened to owner-only
with a warning naming it, but only when it holds what the service writes there
(empty, or beginning with a SQLite database's or a pg_dump archive's header):
a mistyped path (``sqlite:////etc/passwd``) must not take a system file away
from its readers. A folder that already exists is left as it is.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700


def owner_only_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode 0700; existing ones stay as they are."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        candidate.mkdir(mode=OWNER_ONLY_FOLDER, exist_ok=True)


# The first bytes of the files the service writes: a SQLite database, a pg_dump archive.
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class NotOurs(Exception):
    """An existing file holds something else than what the service would write there."""


def owner_only_file(path: Path, headers: tuple[bytes, ...]) -> None:
    """Create ``path`` empty with mode 0600, or tighten it if it exists.

    NotOurs when it exists and is neither empty nor begins with one of ``headers``.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE))
    except FileExistsError:
        if not _holds(path, headers):
            raise NotOurs(path) from None
        tighten(path)


def _holds(path: Path, headers: tuple[bytes, ...]) -> bool:
    """Whether ``path`` is empty or begins with one of ``headers`` (a file it cannot read: no)."""
    try:
        with path.open("rb") as file:
            start = file.read(max(len(header) for header in headers))
    except OSError:
        return False
    return not start or start.startswith(headers)


def tighten(path: Path) -> None:
    """Take away every permission of group and others from an existing regular file."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    mode = stat.S_IMODE(status.st_mode)
    if not stat.S_ISREG(status.st_mode) or not mode & 0o077:
        return
    try:
        os.chmod(path, mode & 0o700)
    except OSError as error:
        logger.warning(
            "%s is open to other local users and cannot be made owner-only: %s",
            path,
            error.strerror,
        )
        return
    logger.warning("%s was open to other local users; it is now owner-only", path)
