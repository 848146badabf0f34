"""``logs`` and ``logs-purge``: the API log."""

from __future__ import annotations

import argparse

from ..application import apilog
from ..domain.api import Api
from ..settings import setting
from ..terminal import json_line, line
from .arguments import MAX_LISTED, access_name, email, ip_address, moment, whole_number
from .command import Context, Subcommands, add_command


def logs(context: Context, args: argparse.Namespace) -> None:
    """Show the API log, newest first, filtered."""
    entries = apilog.log_entries(
        context.units,
        account=args.account,
        access=args.access,
        api=args.api,
        method=args.method,
        error_code=args.error,
        source_ip=args.ip,
        since=args.since,
        until=args.until,
        limit=args.limit,
    )
    for row in entries:
        row["created_at"] = row["created_at"].isoformat()
        if args.json:
            print(json_line(row))
        else:
            outcome = row["error_code"] or row["result"] or ""
            print(
                line(
                    row["created_at"],
                    row["request_id"],
                    row["source_ip"],
                    row["api"],
                    row["method"],
                    row["status"],
                    outcome,
                    f"{row['duration_ms']} ms",
                )
            )


def logs_purge(context: Context, args: argparse.Namespace) -> None:
    """Delete API log entries older than the retention (or --days)."""
    days = context.settings.api_log_retention_days if args.days is None else args.days
    deleted = apilog.purge_api_log(context.units, days)
    print(f"deleted {deleted} API log entries older than {days} days")


def register(commands: Subcommands) -> None:
    """``logs`` and ``logs-purge``."""
    sub = add_command(commands, "logs", logs)
    sub.add_argument("--account", type=email, help="an account's e-mail")
    sub.add_argument("--access", type=access_name, help="an access of that account, by name")
    sub.add_argument("--api", choices=[api.value for api in Api])
    sub.add_argument("--method")
    sub.add_argument("--error", metavar="CODE", help="an error code")
    sub.add_argument("--ip", type=ip_address, help="a source address")
    when = "an ISO date or date and time, UTC unless it says otherwise (2026-12-01, {})"
    sub.add_argument("--since", type=moment, help=when.format("2026-12-01T08:00"))
    sub.add_argument("--until", type=moment, help=when.format("2026-12-01T09:30:00+01:00"))
    sub.add_argument("--limit", type=whole_number(1, MAX_LISTED), default=100)
    sub.add_argument("--json", action="store_true", help="one JSON object a line")
    retention = setting("api_log_retention_days")
    sub = add_command(commands, "logs-purge", logs_purge)
    sub.add_argument(
        "--days",
        type=whole_number(retention.minimum, retention.maximum),
        help=f"keep this many days, {retention.minimum} or more (default {retention.name})",
    )
