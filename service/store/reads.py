"""The reads of a call, on a Core connection: the login with its throttle state, and the
account's addresses, channels, IP filters and city look-ups.

A reading unit of work runs them on its autocommit connection, a writing one
on its session's connection (inside its transaction). The statements are built
once (building one and its cache key costs SQLAlchemy more than running it)
and the hot ones run as prepared reads (store/prepared.py).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select

from ..domain.access import OWN_LOGIN, AccessState, is_access_login
from ..domain.address import Address
from ..domain.channel import Channel
from ..domain.login import AccountRecord
from ..domain.session import ConsoleSessionRecord
from ..domain.throttle import ThrottleKey, ThrottleState
from . import models
from .prepared import PreparedRead


def utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; every stored one is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_account, _access = models.Account, models.ApiAccess
_LOGIN_COLUMNS = (
    _account.id,
    _account.email,
    func.coalesce(_access.secret_hash, _account.password_hash),
    _account.balance,
    _access.id,
    func.coalesce(_access.login, _account.email),
    _access.state,
    or_(_account.ip_filtered, _access.ip_filtered),
    _account.disabled,
)
_LOGIN_BY_ACCESS = (
    select(*_LOGIN_COLUMNS)
    .join(_access, _access.account_id == _account.id)
    .where(_access.login == bindparam("user"))
)
_LOGIN_BY_EMAIL = (
    select(*_LOGIN_COLUMNS)
    # The own login is the access named OWN_LOGIN (unique per account): one index
    # probe, where "login IS NULL" alone would walk every account's own access.
    .join(_access, (_access.account_id == _account.id) & (_access.name == OWN_LOGIN))
    .where(_account.email == bindparam("user"))
)
_t = models.LoginThrottle


def _throttle_value(column: Any, key: str) -> Any:
    """One key's ``column`` as a scalar subquery (a unique index probe; NULL when absent)."""
    return select(column).where(_t.key == bindparam(key)).scalar_subquery()


# The throttle state of a login's two keys, as scalar subqueries: beside the
# login's columns they cost an index probe each. (An aggregate joined to the
# login made SQLite materialise both sides in temporary tables on every call,
# and "key IN (...)" builds one for the list.)
_THROTTLE_STATE = (
    _throttle_value(_t.blocked_until, "source_key"),
    _throttle_value(_t.blocked_until, "account_key"),
    func.coalesce(_throttle_value(_t.failures, "account_key"), 0),
)
_LOGIN = {
    True: PreparedRead(_LOGIN_BY_ACCESS),  # by access login
    False: PreparedRead(_LOGIN_BY_EMAIL),
}
# The credential check's one query: the login and its throttle state.
_LOGIN_STATE = {
    True: PreparedRead(_LOGIN_BY_ACCESS.add_columns(*_THROTTLE_STATE)),
    False: PreparedRead(_LOGIN_BY_EMAIL.add_columns(*_THROTTLE_STATE)),
}
# For a user that names no login (a mistyped or guessed one): the state alone.
_THROTTLE_ONLY = PreparedRead(select(*_THROTTLE_STATE))
_a = models.Address
# The columns of an Address record, in its fields' order (the model's columns carry their names).
_ADDRESSES = PreparedRead(
    select(*(getattr(_a, field.name) for field in fields(Address)))
    .where(_a.account_id == bindparam("account_id"))
    .order_by(_a.id)
)
_COUNT_ADDRESSES = select(func.count()).where(_a.account_id == bindparam("account_id"))
_c = models.Channel
_CHANNELS = PreparedRead(
    select(_c.channeltype, _c.channelname, _c.active)
    .where(_c.account_id == bindparam("account_id"))
    .order_by(_c.id)
)
_f = models.IpFilter
_NETWORKS = select(_f.network).where(_f.account_id == bindparam("account_id")).order_by(_f.id)
_ACCOUNT_NETWORKS = _NETWORKS.where(_f.access_id.is_(None))
_ACCESS_NETWORKS = _NETWORKS.where(_f.access_id == bindparam("access_id"))
_s = models.ConsoleSession
_SESSION = select(
    _s.digest,
    _s.account_id,
    _s.login,
    _s.password_fingerprint,
    _s.created_at,
    _s.last_seen_at,
    _s.source_ip,
).where(_s.digest == bindparam("digest"))
_CITY_COUNTRY = select(models.City.countrycode).where(models.City.id == bindparam("cityid"))


# A stored state's member, looked up without the enum's call (a tenth of a login's read).
_ACCESS_STATES = {state.value: state for state in AccessState}


def _account_record(row: tuple[Any, ...]) -> AccountRecord:
    (account_id, email, password_hash, balance, access_id, login, state, filtered, disabled) = row
    return AccountRecord(
        account_id,
        email,
        password_hash,
        balance,
        access_id,
        login,
        _ACCESS_STATES[state],
        bool(filtered),
        bool(disabled),
    )


def _throttle_state(
    source_blocked: datetime | None, account_blocked: datetime | None, account_failures: int
) -> ThrottleState:
    blocks = [utc(moment) for moment in (source_blocked, account_blocked) if moment is not None]
    return ThrottleState(max(blocks, default=None), account_failures)


def _key_values(keys: tuple[ThrottleKey, ThrottleKey]) -> dict[str, str]:
    return {"source_key": keys[0].stored, "account_key": keys[1].stored}


class Reads:
    """The reads of a call on one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def login_record(self, user: str) -> AccountRecord | None:
        """The account and access ``user`` names: an access login, or an account's e-mail."""
        rows = _LOGIN[is_access_login(user)].rows(self._connection, {"user": user})
        return _account_record(rows[0]) if rows else None

    def account_by_email(self, email: str) -> AccountRecord | None:
        """The account whose (lower-cased) e-mail is ``email``, with its own login."""
        return None if is_access_login(email) else self.login_record(email)

    def login_state(
        self, user: str, keys: tuple[ThrottleKey, ThrottleKey]
    ) -> tuple[ThrottleState, AccountRecord | None]:
        """The throttle state of ``keys`` (source, account) and the login ``user`` names.

        One indexed query when ``user`` names a login; a second, for the state
        alone, when not.
        """
        params = {"user": user, **_key_values(keys)}
        rows = _LOGIN_STATE[is_access_login(user)].rows(self._connection, params)
        if rows:
            [row] = rows
            return _throttle_state(*row[-3:]), _account_record(row[:-3])
        return self.throttle_state(keys), None

    def throttle_state(self, keys: tuple[ThrottleKey, ThrottleKey]) -> ThrottleState:
        """The throttle state of a login's ``keys`` (source, account from it)."""
        [row] = _THROTTLE_ONLY.rows(self._connection, _key_values(keys))
        return _throttle_state(*row)

    def addresses(self, account_id: int) -> list[Address]:
        """The account's addresses, oldest first."""
        rows = _ADDRESSES.rows(self._connection, {"account_id": account_id})
        return [Address(*row) for row in rows]

    def count_addresses(self, account_id: int) -> int:
        """How many addresses the account holds."""
        count: int = self._connection.execute(
            _COUNT_ADDRESSES, {"account_id": account_id}
        ).scalar_one()
        return count

    def channels(self, account_id: int) -> list[Channel]:
        """The account's channels, in the order they were created."""
        rows = _CHANNELS.rows(self._connection, {"account_id": account_id})
        return [Channel(*row) for row in rows]

    def networks(self, account_id: int, access_id: int | None) -> list[str]:
        """The networks allowed for the account (``access_id`` None) or for one access."""
        if access_id is None:
            rows = self._connection.execute(_ACCOUNT_NETWORKS, {"account_id": account_id})
        else:
            params = {"account_id": account_id, "access_id": access_id}
            rows = self._connection.execute(_ACCESS_NETWORKS, params)
        return list(rows.scalars())

    def console_session(self, digest: str) -> ConsoleSessionRecord | None:
        """The console session whose token has the SHA-256 ``digest``, if it exists."""
        row = self._connection.execute(_SESSION, {"digest": digest}).first()
        if row is None:
            return None
        digest, account_id, login, fingerprint, created_at, last_seen_at, source_ip = row
        return ConsoleSessionRecord(
            digest, account_id, login, fingerprint, utc(created_at), utc(last_seen_at), source_ip
        )

    def city_countrycode(self, cityid: int) -> str | None:
        """The country of city ``cityid``, or None when the catalogue has no such city."""
        countrycode: str | None = self._connection.execute(
            _CITY_COUNTRY, {"cityid": cityid}
        ).scalar_one_or_none()
        return countrycode
