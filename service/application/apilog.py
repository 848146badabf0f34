"""The API log and connection tracking: reading them, and purging old entries."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..domain.api import Api
from ..domain.values import INT32_MAX
from ..store.uow import UnitOfWorkFactory
from .accounts import account_id

# Entry ids are 32-bit (PostgreSQL's INTEGER refuses a larger value in a query).
MAX_ENTRY_ID = INT32_MAX
# What an account's own log shows as the user agent of an operator's command: who ran it on
# which host is the operators' to read (``logs``), not the account holder's.
OPERATOR = "operator"


def _as_the_account_sees_it(entry: dict[str, Any]) -> dict[str, Any]:
    entry["parameters"] = json.loads(entry["parameters"])
    if entry["api"] == Api.CLI.value:
        entry["user_agent"] = OPERATOR
    return entry


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


@dataclass(frozen=True)
class LogFilters:
    """What a page of the API log is narrowed to (None: anything).

    ``outcome`` is SUCCESS, ERROR or one error code; ``before`` is where the
    previous page ended (its last entry's time and id).
    """

    since: datetime | None = None
    until: datetime | None = None
    api: str | None = None
    method: str | None = None
    outcome: str | None = None
    source_ip: str | None = None
    before: tuple[datetime, int] | None = None


@dataclass(frozen=True)
class LogPage:
    """Entries newest first, and where the next page starts (None: this is the last)."""

    entries: list[dict[str, Any]]
    next_before: tuple[datetime, int] | None


def log_page(
    units: UnitOfWorkFactory, owner: int, access_id: int | None, filters: LogFilters, size: int
) -> LogPage:
    """One page of the account's log (of one access's calls when ``access_id`` is given).

    An index on (account_id, created_at) serves it: it reads the page and no more.
    """
    if filters.before is not None and filters.before[1] > MAX_ENTRY_ID:
        # Read as the largest id: only an entry with that very id and time could be left out.
        filters = replace(filters, before=(filters.before[0], MAX_ENTRY_ID))
    wanted: dict[str, object] = asdict(filters)
    wanted["account_id"] = owner
    wanted["access_id"] = access_id
    outcome = wanted.pop("outcome")
    if outcome in ("SUCCESS", "ERROR"):
        wanted["status"] = outcome
    elif outcome:
        wanted["error_code"] = outcome
    with units.reading() as uow:
        entries = uow.listings.api_log(wanted, size + 1)
    entries = [_as_the_account_sees_it(entry) for entry in entries]
    if len(entries) <= size:
        return LogPage(entries, None)
    last = entries[size - 1]
    return LogPage(entries[:size], (last["created_at"], last["id"]))


def log_entry(
    units: UnitOfWorkFactory, owner: int, access_id: int | None, entry: int
) -> dict[str, Any] | None:
    """The account's log entry ``entry`` (one of an access's calls when ``access_id`` is given)."""
    if not 0 < entry <= MAX_ENTRY_ID:
        return None
    wanted: dict[str, object] = {"id": entry, "account_id": owner, "access_id": access_id}
    with units.reading() as uow:
        found = uow.listings.api_log(wanted, 1)
    if not found:
        return None
    return _as_the_account_sees_it(found[0])
