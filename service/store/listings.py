"""The operator's reads, on a Core connection: accounts, accesses, cities, throttle
records, the API log and the calls counted per access."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, and_, func, or_, select

from ..domain.access import AccessRecord, AccessState
from ..domain.throttle import ThrottleRecord
from . import models
from .throttle import stored_record


class Listings:
    """What an operator looks up, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def accounts(self) -> list[tuple[str, Decimal, int]]:
        """Every account's e-mail, balance and number of addresses, by e-mail."""
        count = (
            select(func.count(models.Address.id))
            .where(models.Address.account_id == models.Account.id)
            .scalar_subquery()
        )
        rows = self._connection.execute(
            select(models.Account.email, models.Account.balance, count).order_by(
                models.Account.email
            )
        )
        return [(email, balance, n) for email, balance, n in rows]

    def accesses(self, account_id: int) -> list[AccessRecord]:
        """The account's accesses, its own login first."""
        a = models.ApiAccess
        rows = self._connection.execute(
            select(
                a.id,
                a.name,
                a.login,
                a.state,
                a.created_at,
                a.first_used_at,
                a.last_used_at,
                a.last_source_ip,
                a.last_api,
                a.last_method,
            )
            .where(a.account_id == account_id)
            .order_by(a.id)
        )
        # ``times_and_tracking``: created_at, then first_used_at .. last_method as selected.
        return [
            AccessRecord(access_id, name, login, AccessState(state), *times_and_tracking)
            for access_id, name, login, state, *times_and_tracking in rows
        ]

    def access_id(self, account_id: int, name: str) -> int | None:
        """The id of the account's access called ``name``."""
        a = models.ApiAccess
        found: int | None = self._connection.execute(
            select(a.id).where(a.account_id == account_id, a.name == name)
        ).scalar_one_or_none()
        return found

    def cities(self, countrycode: str, name_prefix: str, limit: int) -> list[tuple[int, str]]:
        """Cities of a country whose name starts with ``name_prefix`` in any case, by name.

        SQLite's LIKE ignores (ASCII) case already; PostgreSQL's ILIKE does the same
        there. Either scans one country's cities at most.
        """
        c = models.City
        rows = self._connection.execute(
            select(c.id, c.name)
            .where(c.countrycode == countrycode, c.name.istartswith(name_prefix, autoescape=True))
            .order_by(c.name, c.id)
            .limit(limit)
        )
        return [(cityid, name) for cityid, name in rows]

    def city_name(self, countrycode: str, cityid: int) -> str | None:
        """The name of city ``cityid`` when it is one of that country's, else None."""
        c = models.City
        name: str | None = self._connection.execute(
            select(c.name).where(c.id == cityid, c.countrycode == countrycode)
        ).scalar_one_or_none()
        return name

    def throttle_records(self) -> list[ThrottleRecord]:
        """Every failed-login record, most recently blocked first."""
        t = models.LoginThrottle
        rows = self._connection.execute(
            select(t.key, t.failures, t.window_start, t.blocked_until).order_by(
                t.blocked_until.desc().nulls_last(), t.key
            )
        )
        return [stored_record(*row) for row in rows]

    def api_log(self, filters: dict[str, object], limit: int) -> list[dict[str, Any]]:
        """Log entries matching ``filters`` (column: value; since/until: time; before: the
        (time, id) a previous page ended at), newest first."""
        entry = models.ApiLogEntry
        query = select(*entry.__table__.columns)
        for name, value in filters.items():
            if value is None:
                continue
            if name == "before":
                moment, last_id = cast(tuple[datetime, int], value)
                # The first condition alone bounds the index range (neither SQLite nor
                # PostgreSQL seeks on the OR): a deep page reads its page, not those before.
                query = query.where(
                    entry.created_at <= moment,
                    or_(
                        entry.created_at < moment,
                        and_(entry.created_at == moment, entry.id < last_id),
                    ),
                )
            elif name == "since":
                query = query.where(entry.created_at >= value)
            elif name == "until":
                query = query.where(entry.created_at < value)
            else:
                query = query.where(getattr(entry, name) == value)
        query = query.order_by(entry.created_at.desc(), entry.id.desc()).limit(limit)
        return [dict(row) for row in self._connection.execute(query).mappings()]

    def usage(self, account_id: int) -> list[tuple[str, date, str, str, int]]:
        """Calls per access, day, API and method for the account (newest day first)."""
        a, u = models.ApiAccess, models.AccessUsage
        rows = self._connection.execute(
            select(a.name, u.day, u.api, u.method, u.calls)
            .join(u, u.access_id == a.id)
            .where(a.account_id == account_id)
            .order_by(u.day.desc(), a.name, u.api, u.method)
        )
        return [(name, day, api, method, calls) for name, day, api, method, calls in rows]
