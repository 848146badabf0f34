"""A new password from the operator: from --password, a terminal prompt, or standard input."""

from __future__ import annotations

import getpass
import sys

from ..application import inputs
from ..application.errors import Refused
from ..contract import MAX_LENGTH
from .command import CommandError

CREDENTIAL_HELP = (
    "the new password, 8 to 256 characters; visible to other local users (ps) while the"
    " command runs: without it, it is asked for twice without echo on a terminal, or read"
    " as one line of standard input"
)


def new_password(given: str | None) -> str:
    """``given`` (--password); else asked twice without echo on a terminal; else a line of stdin.

    Read before any transaction starts: a prompt must not hold the database's write lock.
    """
    if given is not None:
        return given
    if sys.stdin is None:
        raise CommandError("no password: give --password, or send it on standard input")
    if sys.stdin.isatty():
        try:
            text = getpass.getpass("new password: ")
            if getpass.getpass("new password again: ") != text:
                raise CommandError("the two passwords differ")
        except EOFError:
            raise CommandError("no password given") from None
    else:
        # One line; its line ending (LF or CR LF) is not part of the password.
        raw = sys.stdin.buffer.readline(4 * MAX_LENGTH["password"] + 2)
        if not raw:
            raise CommandError("no password on standard input")
        try:
            text = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
        except UnicodeDecodeError:
            raise CommandError("the password on standard input is not UTF-8") from None
    try:
        return inputs.new_password(text)
    except Refused as error:
        raise CommandError(str(error)) from None
