"""Operator actions in the API log, as the console's changes are: API ``cli``.

Each command that changes an account, an access, a filter, a throttle record,
the catalogue or the log itself leaves one record: the command's words as the
method, what it named (never a password), the account it concerned, its
outcome, and who ran it on which host as far as the system says (the login
user, the one sudo was run by).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import socket

from ..apilog.writer import ApiLogWriter
from ..application.accounts import account_id
from ..application.errors import Refused
from ..dispatch.context import RequestContext
from ..domain.api import Api
from ..domain.caller import Caller
from .command import Context

RECORDED = frozenset(
    {
        "account create",
        "account set-balance",
        "account set-password",
        "account disable",
        "account enable",
        "access create",
        "access enable",
        "access disable",
        "access revoke",
        "ip allow",
        "ip deny",
        "city add",
        "throttle clear",
        "logs-purge",
    }
)
# A command's arguments the record keeps, under the API log's names.
_KEPT = {
    "email": "user",
    "user": "user",
    "name": "name",
    "access": "access",
    "network": "network",
    "balance": "balance",
    "amount": "balance",
    "cityid": "cityid",
    "countrycode": "countrycode",
    "days": "days",
    "ip": "ip",
    "all": "all",
}


def operator() -> str:
    """Who runs this command where: ``cli USER[ (sudo by USER)]@HOST``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    sudo = os.environ.get("SUDO_USER")
    by = f" (sudo by {sudo})" if sudo and sudo != user else ""
    return f"cli {user}{by}@{socket.gethostname()}"


def record(context: Context, args: argparse.Namespace, error: Refused | None) -> None:
    """Write the record of ``args``' command at once, if it is one that changes things."""
    if getattr(args, "action", None) not in RECORDED:
        return
    settings = context.settings
    if not settings.api_log:
        return
    request = RequestContext(Caller("", Api.CLI), operator())
    parameters = {
        logged: str(value)
        for name, logged in _KEPT.items()
        if (value := getattr(args, name, None)) is not None and value is not False
    }
    request.asked("cli", args.action, parameters)
    email = getattr(args, "email", None)
    if email is not None:
        with contextlib.suppress(Refused):  # no such account: the record says what was asked
            request.caller.signed_in(account_id(context.units, email), None)
    if error is None:
        request.succeeded(None)
    else:
        request.error_code = error.code.name
    writer = ApiLogWriter(
        context.units,
        enabled=True,
        mask_personal=settings.api_log_mask_personal,
        flush_seconds=settings.api_log_flush_seconds,
        max_pending=settings.api_log_max_pending,
    )
    writer.record(request, 0)
    writer.flush()
