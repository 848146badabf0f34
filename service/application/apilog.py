"""The API log and connection tracking: reading them, and purging old entries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..store.uow import UnitOfWorkFactory
from .accounts import account_id


def log_entries(
    units: UnitOfWorkFactory,
    *,
    account: str | None = None,
    access: str | None = None,
    api: str | None = None,
    method: str | None = None,
    error_code: str | None = None,
    source_ip: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int,
) -> list[dict[str, Any]]:
    """Entries matching every filter given, newest first; ``parameters`` decoded.

    ``access`` narrows ``account`` to one of its accesses; without ``account`` it is ignored.
    """
    filters: dict[str, object] = {
        "api": api,
        "method": method,
        "error_code": error_code,
        "source_ip": source_ip,
        "since": since,
        "until": until,
    }
    if account:
        owner = account_id(units, account)
        filters["account_id"] = owner
        if access:
            with units.reading() as uow:
                filters["access_id"] = uow.listings.access_id(owner, access)
    with units.reading() as uow:
        entries = uow.listings.api_log(filters, limit)
    for entry in entries:
        entry["parameters"] = json.loads(entry["parameters"])
    return entries


def purge_api_log(units: UnitOfWorkFactory, days: int) -> int:
    """Delete entries older than ``days`` days; returns how many."""
    with units.writing() as uow:
        deleted = uow.api_log.purge(datetime.now(UTC) - timedelta(days=days))
        uow.commit()
    return deleted


def usage(units: UnitOfWorkFactory, email: str) -> list[tuple[str, date, str, str, int]]:
    """The account's calls per access, day, API and method (newest day first)."""
    owner = account_id(units, email)
    with units.reading() as uow:
        return uow.listings.usage(owner)
