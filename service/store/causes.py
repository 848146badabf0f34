"""What a database error says about its cause, in a fixed phrase an operator can act on.

The driver's own message can carry SQL, parameters, paths and user names; these
phrases carry none, so they may go to a terminal and into a log line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

NO_SCHEMA = "the database has no schema (run `python -m service db upgrade`)"

# PostgreSQL's SQLSTATE codes an operator can act on.
_SQLSTATES = {
    "3D000": "the database does not exist",
    "28P01": "the server refused the password",
    "28000": "the server refused this user, host or SSL mode (pg_hba.conf)",
    "42P01": NO_SCHEMA,
    "42501": "the database user lacks a privilege it needs",
    "53300": "the server has no connection slot left",
    "57P01": "the server is shutting down",
    "57P02": "the server is shutting down",
    "57P03": "the server is starting up",
    "25006": "the server is read-only (a standby?)",
}
# Patterns of libpq's and sqlite3's messages, lower-cased, and what they mean: the first that
# matches (a server's refusal at connect time comes as a message, without its SQLSTATE).
_MESSAGES = tuple(
    (re.compile(pattern), phrase)
    for pattern, phrase in (
        (r'database ".*" does not exist', "the database does not exist"),
        (r'role ".*" does not exist', "the database user does not exist"),
        ("password authentication failed", "the server refused the password"),
        ("no pg_hba.conf entry", _SQLSTATES["28000"]),
        ("connection refused", "connection refused (is the server running, on that port?)"),
        ("timeout expired", "no answer within the connect timeout"),
        ("could not translate host name", "the host name does not resolve"),
        ("name or service not known", "the host name does not resolve"),
        ("server does not support ssl", "SSL was required but the server does not offer it"),
        ("ssl", "SSL negotiation failed"),
        ("server closed the connection", "the server closed the connection"),
        ("terminating connection", "the server ended the connection"),
        ("no such table", NO_SCHEMA),
        ("unable to open database file", "the SQLite file cannot be opened or created here"),
        ("readonly database", "the SQLite file or its folder is read-only"),
        ("database is locked", "the SQLite file stayed locked by another process"),
        ("file is not a database", "the file is not a SQLite database"),
        ("malformed", "the SQLite file is damaged"),
        ("disk i/o error", "a disk I/O error"),
    )
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, the driver's error beneath it, and what it was raised from or during."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None]
        pending += [current.__cause__, current.__context__]


def database_cause(error: BaseException) -> str | None:
    """A fixed phrase for the database failure behind ``error``, or None if it names none."""
    for current in _chain(error):
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate in _SQLSTATES:
            return _SQLSTATES[sqlstate]
        module = type(current).__module__
        if module.startswith(("psycopg", "sqlite3")):
            text = str(current).lower()
            for pattern, phrase in _MESSAGES:
                if pattern.search(text):
                    return phrase
    return None
