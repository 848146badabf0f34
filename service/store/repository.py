"""The repository: every query the operations and the operator commands need."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from ..domain.address import Address, NewAddress
from ..domain.channel import Channel
from . import models
from .prepared import PreparedRead

# Generated access logins start with this; an e-mail address never does.
ACCESS_LOGIN_PREFIX = "ak_"
# The name of the access that is the account's own e-mail and password.
OWN_LOGIN = "login"


@dataclass(frozen=True)
class AccountRecord:
    """What a login loads, in one query: the account and the access used.

    ``password_hash`` is the hash the password is checked against: the account's
    own for its own login, the access's secret for a generated access.
    """

    id: int
    email: str
    password_hash: str
    balance: Decimal
    access_id: int
    # What the caller logs in as: the e-mail for the own login, else the access's login.
    login: str
    access_state: str = "enabled"
    ip_filtered: bool = False
    # The account is switched off as a whole (operator): no login of it gets in.
    account_disabled: bool = False


@dataclass(frozen=True)
class AccessRecord:
    """One API access of an account (operator view)."""

    id: int
    name: str
    login: str | None
    state: str
    created_at: datetime
    last_used_at: datetime | None
    last_source_ip: str | None
    last_api: str | None
    last_method: str | None


@dataclass(frozen=True)
class ThrottleRecord:
    """Failed logins counted under one key."""

    key: str
    failures: int
    window_start: datetime
    blocked_until: datetime | None


@dataclass(frozen=True)
class ThrottleState:
    """What throttling knows of one login's two keys (source address, account from it)."""

    blocked_until: datetime | None  # the later block of the two keys, if any
    account_failures: int  # failures counted under the account key


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without their zone; every stored one is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _throttle_state(
    address_blocked: datetime | None, account_blocked: datetime | None, account_failures: int
) -> ThrottleState:
    blocks = [_utc(moment) for moment in (address_blocked, account_blocked) if moment is not None]
    return ThrottleState(max(blocks, default=None), account_failures)


def _throttle_record(row: Any) -> ThrottleRecord:
    window_start = _utc(row.window_start)
    assert window_start is not None
    return ThrottleRecord(row.key, row.failures, window_start, _utc(row.blocked_until))


# The statements of the per-call path are built once: building a statement (and
# its cache key) costs SQLAlchemy more than running it.
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
    # The own login is the access named "login" (unique per account): one index probe,
    # where "login IS NULL" alone would walk every account's own access.
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
    _throttle_value(_t.blocked_until, "address_key"),
    _throttle_value(_t.blocked_until, "account_key"),
    func.coalesce(_throttle_value(_t.failures, "account_key"), 0),
)
_LOGIN_STATE_BY_ACCESS = PreparedRead(_LOGIN_BY_ACCESS.add_columns(*_THROTTLE_STATE))
_LOGIN_STATE_BY_EMAIL = PreparedRead(_LOGIN_BY_EMAIL.add_columns(*_THROTTLE_STATE))
# For a user that names no login (a mistyped or guessed one): the state alone.
_THROTTLE_ONLY = PreparedRead(select(*_THROTTLE_STATE))
_THROTTLE_COLUMNS = (
    models.LoginThrottle.key,
    models.LoginThrottle.failures,
    models.LoginThrottle.window_start,
    models.LoginThrottle.blocked_until,
)
_a = models.Address
# The columns of an Address record, in its fields' order (the model's columns carry their names).
_ADDRESSES = PreparedRead(
    select(*(getattr(_a, field.name) for field in fields(Address)))
    .where(_a.account_id == bindparam("account_id"))
    .order_by(_a.id)
)
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


class Repository:
    """Queries on one session; the unit of work owns the transaction.

    A reading unit of work hands a Core ``Connection`` instead of an ORM
    ``Session``: every method a read-only operation uses runs on either.
    """

    def __init__(self, session: Session | Connection) -> None:
        self.session = session

    def _connection(self) -> Connection:
        """The Core connection under the session (a writing session's transaction begins)."""
        session = self.session
        return session.connection() if isinstance(session, Session) else session

    def _insert(self, table: Table) -> Insert:
        """INSERT with ON CONFLICT support, in the store's dialect."""
        if self._connection().dialect.name == "postgresql":
            return postgresql_insert(table)
        return sqlite_insert(table)

    # Accounts -------------------------------------------------------------

    def login_record(self, user: str) -> AccountRecord | None:
        """The account and access a ``user`` names: an access login, or an account's e-mail."""
        query = _LOGIN_BY_ACCESS if user.startswith(ACCESS_LOGIN_PREFIX) else _LOGIN_BY_EMAIL
        row = self.session.execute(query, {"user": user}).first()
        return None if row is None else AccountRecord(*row)

    def login_state(
        self, user: str, keys: tuple[str, str]
    ) -> tuple[ThrottleState, AccountRecord | None]:
        """The throttle state of ``keys`` and the login ``user`` names, if any.

        One query when ``user`` names a login; a second, for the state alone, when not.
        """
        query = (
            _LOGIN_STATE_BY_ACCESS
            if user.startswith(ACCESS_LOGIN_PREFIX)
            else _LOGIN_STATE_BY_EMAIL
        )
        params = {"user": user, "address_key": keys[0], "account_key": keys[1]}
        rows = query.rows(self._connection(), params)
        if rows:
            [row] = rows
            return _throttle_state(*row[-3:]), AccountRecord(*row[:-3])
        return self.throttle_state(keys), None

    def throttle_state(self, keys: tuple[str, str]) -> ThrottleState:
        """The throttle state of a login's ``keys`` (source address, account from it)."""
        params = {"address_key": keys[0], "account_key": keys[1]}
        [row] = _THROTTLE_ONLY.rows(self._connection(), params)
        return _throttle_state(*row)

    def account_by_email(self, email: str) -> AccountRecord | None:
        """The account whose (lower-cased) e-mail is ``email``, with its own login."""
        return None if email.startswith(ACCESS_LOGIN_PREFIX) else self.login_record(email)

    def lock_account(self, account_id: int) -> None:
        """Serialise writers of one account (FOR UPDATE; SQLite's write lock already does)."""
        self.session.execute(
            select(models.Account.id).where(models.Account.id == account_id).with_for_update()
        )

    def create_account(
        self, email: str, password_hash: str, balance: Decimal, channel_types: tuple[str, ...]
    ) -> int:
        """A new account with one channel per type, named after the type."""
        account = models.Account(
            email=email,
            password_hash=password_hash,
            balance=balance,
            ip_filtered=False,
            disabled=False,
        )
        self.session.add(account)
        self.session.flush()
        self.session.add(
            models.ApiAccess(
                account_id=account.id, name=OWN_LOGIN, state="enabled", ip_filtered=False
            )
        )
        for channeltype in channel_types:
            self.session.add(
                models.Channel(
                    account_id=account.id, channeltype=channeltype, channelname=channeltype
                )
            )
        self.session.flush()
        return account.id

    def email_exists(self, email: str) -> bool:
        """True when an account uses ``email``."""
        return self.account_by_email(email) is not None

    def set_balance(self, email: str, balance: Decimal) -> bool:
        """Set an account's balance; False when there is no such account."""
        result = self.session.execute(
            update(models.Account).where(models.Account.email == email).values(balance=balance)
        )
        return result.rowcount == 1

    def set_password_hash(self, email: str, password_hash: str) -> bool:
        """Replace an account's password hash; False when there is no such account."""
        result = self.session.execute(
            update(models.Account)
            .where(models.Account.email == email)
            .values(password_hash=password_hash)
        )
        return result.rowcount == 1

    def set_account_disabled(self, email: str, disabled: bool) -> bool:
        """Switch a whole account off or on again; False when there is no such account."""
        result = self.session.execute(
            update(models.Account).where(models.Account.email == email).values(disabled=disabled)
        )
        return result.rowcount == 1

    def accounts(self) -> list[tuple[str, Decimal, int]]:
        """Every account's e-mail, balance and number of addresses, by e-mail."""
        count = (
            select(func.count(models.Address.id))
            .where(models.Address.account_id == models.Account.id)
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(models.Account.email, models.Account.balance, count).order_by(
                models.Account.email
            )
        )
        return [(email, balance, n) for email, balance, n in rows]

    # Addresses ------------------------------------------------------------

    def count_addresses(self, account_id: int) -> int:
        """How many addresses the account holds."""
        return self.session.execute(
            select(func.count()).where(models.Address.account_id == account_id)
        ).scalar_one()

    def add_address(self, account_id: int, new: NewAddress) -> int:
        """Store a new, unverified address and return its id."""
        address = models.Address(
            account_id=account_id, **asdict(new), verified=0, addressverified=0
        )
        self.session.add(address)
        self.session.flush()
        return address.id

    def delete_address(self, account_id: int, idaddress: int) -> bool:
        """Delete one of the account's own addresses; False when it has no such address."""
        result = self.session.execute(
            delete(models.Address).where(
                models.Address.id == idaddress, models.Address.account_id == account_id
            )
        )
        return result.rowcount == 1

    def addresses(self, account_id: int) -> list[Address]:
        """The account's addresses, oldest first."""
        rows = _ADDRESSES.rows(self._connection(), {"account_id": account_id})
        return [Address(*row) for row in rows]

    def set_address_verification(
        self, idaddress: int, verified: int | None, addressverified: int | None
    ) -> bool:
        """Set an address's verification flags (operator); False when there is no such address."""
        changes = {
            name: value
            for name, value in (("verified", verified), ("addressverified", addressverified))
            if value is not None
        }
        if not changes:
            return self.session.get(models.Address, idaddress) is not None
        result = self.session.execute(
            update(models.Address).where(models.Address.id == idaddress).values(**changes)
        )
        return result.rowcount == 1

    # Channels -------------------------------------------------------------

    def channels(self, account_id: int) -> list[Channel]:
        """The account's channels, in the order they were created."""
        rows = _CHANNELS.rows(self._connection(), {"account_id": account_id})
        return [Channel(*row) for row in rows]

    def set_channel_active(self, account_id: int, channelname: str, active: int) -> bool:
        """Enable or disable the account's channel named ``channelname`` (any case)."""
        c = models.Channel
        result = self.session.execute(
            update(c)
            .where(c.account_id == account_id, func.lower(c.channelname) == channelname.lower())
            .values(active=active)
        )
        return result.rowcount >= 1

    # Cities ---------------------------------------------------------------

    def city_countrycode(self, cityid: int) -> str | None:
        """The country of city ``cityid``, or None when the catalogue has no such city."""
        return self.session.execute(
            select(models.City.countrycode).where(models.City.id == cityid)
        ).scalar_one_or_none()

    def add_city(self, cityid: int, countrycode: str, name: str) -> None:
        """Add a town to the catalogue (operator)."""
        self.session.add(
            models.City(id=cityid, countrycode=countrycode, name=name, source="operator")
        )
        self.session.flush()

    def cities(self, countrycode: str, name_prefix: str, limit: int) -> list[tuple[int, str]]:
        """Cities of a country whose name starts with ``name_prefix`` (operator look-up)."""
        c = models.City
        rows = self.session.execute(
            select(c.id, c.name)
            .where(c.countrycode == countrycode, c.name.startswith(name_prefix, autoescape=True))
            .order_by(c.name, c.id)
            .limit(limit)
        )
        return [(cityid, name) for cityid, name in rows]

    # Login throttling --------------------------------------------------------

    def lock_throttle_record(self, key: str, now: datetime) -> ThrottleRecord:
        """The record of ``key``, created empty if missing, locked until the transaction ends."""
        table = models.LoginThrottle.__table__
        self.session.execute(
            self._insert(table)
            .values(key=key, failures=0, window_start=now, blocked_until=None)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = self.session.scalars(
            select(models.LoginThrottle)
            .where(models.LoginThrottle.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        return _throttle_record(row)

    def save_throttle_record(self, record: ThrottleRecord) -> None:
        """Store a record's new counts."""
        self.session.execute(
            update(models.LoginThrottle)
            .where(models.LoginThrottle.key == record.key)
            .values(
                failures=record.failures,
                window_start=record.window_start,
                blocked_until=record.blocked_until,
            )
        )

    def delete_throttle_records(self, keys: tuple[str, ...]) -> int:
        """Forget ``keys``; returns how many records there were."""
        result = self.session.execute(
            delete(models.LoginThrottle).where(models.LoginThrottle.key.in_(keys))
        )
        return result.rowcount

    def clear_throttle_records(self, email: str | None, address: str | None) -> int:
        """Forget failures of an account (any source), of a source, or of both together."""
        t = models.LoginThrottle
        if email and address:
            condition = t.key == f"user:{email}|{address}"
        elif email:
            condition = t.key.startswith(f"user:{email}|", autoescape=True)
        elif address:
            condition = or_(
                t.key == f"ip:{address}", t.key.endswith(f"|{address}", autoescape=True)
            )
        else:
            condition = t.key.is_not(None)
        return self.session.execute(delete(t).where(condition)).rowcount

    def purge_throttle_records(self, window_before: datetime, now: datetime) -> int:
        """Delete records whose window ended before ``window_before`` and that block nobody."""
        t = models.LoginThrottle
        result = self.session.execute(
            delete(t).where(
                t.window_start < window_before,
                or_(t.blocked_until.is_(None), t.blocked_until < now),
            )
        )
        return result.rowcount

    def all_throttle_records(self) -> list[ThrottleRecord]:
        """Every record, most recently blocked first (operator view)."""
        t = models.LoginThrottle
        order = (t.blocked_until.desc().nulls_last(), t.key)
        rows = self.session.execute(select(*_THROTTLE_COLUMNS).order_by(*order))
        return [_throttle_record(row) for row in rows]

    # Shared secrets ------------------------------------------------------------

    def shared_secret(self, name: str, candidate: str) -> str:
        """The secret called ``name``; stores ``candidate`` if there is none yet.

        Several workers starting at once all end up with the first one stored.
        """
        table = models.ServiceSecret.__table__
        self.session.execute(
            self._insert(table).values(name=name, value=candidate).on_conflict_do_nothing()
        )
        return self.session.execute(
            select(models.ServiceSecret.value).where(models.ServiceSecret.name == name)
        ).scalar_one()

    # WS-Security nonces -------------------------------------------------------

    def remember_nonce(self, digest: str, expires_at: datetime, now: datetime) -> bool:
        """Record a nonce; False when it was seen before and has not expired yet."""
        nonces = models.SecurityNonce
        self.session.execute(delete(nonces).where(nonces.expires_at < now))
        # RETURNING says whether the row went in (rowcount of ON CONFLICT is not portable).
        inserted = self.session.execute(
            self._insert(nonces.__table__)
            .values(digest=digest, expires_at=expires_at)
            .on_conflict_do_nothing()
            .returning(nonces.digest)
        ).first()
        return inserted is not None

    # API accesses and IP filters ---------------------------------------------

    def create_access(self, account_id: int, name: str, login: str, secret_hash: str) -> int:
        """A new, enabled access to the account."""
        access = models.ApiAccess(
            account_id=account_id,
            name=name,
            login=login,
            secret_hash=secret_hash,
            state="enabled",
            ip_filtered=False,
        )
        self.session.add(access)
        self.session.flush()
        return access.id

    def accesses(self, account_id: int) -> list[AccessRecord]:
        """The account's accesses, its own login first."""
        a = models.ApiAccess
        rows = self.session.execute(
            select(
                a.id,
                a.name,
                a.login,
                a.state,
                a.created_at,
                a.last_used_at,
                a.last_source_ip,
                a.last_api,
                a.last_method,
            )
            .where(a.account_id == account_id)
            .order_by(a.id)
        )
        return [AccessRecord(*row) for row in rows]

    def set_access_state(self, account_id: int, name: str, state: str) -> bool:
        """Enable, disable or revoke an access by name; a revoked one stays revoked."""
        a = models.ApiAccess
        result = self.session.execute(
            update(a)
            .where(a.account_id == account_id, a.name == name, a.state != "revoked")
            .values(state=state)
        )
        return result.rowcount == 1

    def networks(self, account_id: int, access_id: int | None) -> list[str]:
        """The networks allowed for the account (access_id None) or for one access."""
        if access_id is None:
            rows = self.session.execute(_ACCOUNT_NETWORKS, {"account_id": account_id})
        else:
            params = {"account_id": account_id, "access_id": access_id}
            rows = self.session.execute(_ACCESS_NETWORKS, params)
        return list(rows.scalars())

    def set_networks(self, account_id: int, access_id: int | None, networks: list[str]) -> None:
        """Replace an IP filter (empty: every address is allowed)."""
        f = models.IpFilter
        condition = f.access_id.is_(None) if access_id is None else f.access_id == access_id
        self.session.execute(delete(f).where(f.account_id == account_id, condition))
        for network in networks:
            self.session.add(f(account_id=account_id, access_id=access_id, network=network))
        owner = models.Account if access_id is None else models.ApiAccess
        key = account_id if access_id is None else access_id
        self.session.execute(
            update(owner).where(owner.id == key).values(ip_filtered=bool(networks))
        )
        self.session.flush()

    def access_id(self, account_id: int, name: str) -> int | None:
        """The id of the account's access called ``name``."""
        a = models.ApiAccess
        return self.session.execute(
            select(a.id).where(
                a.account_id == a.account_id, a.account_id == account_id, a.name == name
            )
        ).scalar_one_or_none()

    # API log ------------------------------------------------------------------

    def api_log(self, filters: dict[str, object], limit: int) -> list[dict[str, Any]]:
        """Log entries matching ``filters`` (column: value; since/until: time), newest first."""
        entry = models.ApiLogEntry
        query = select(*entry.__table__.columns)
        for name, value in filters.items():
            if value is None:
                continue
            if name == "since":
                query = query.where(entry.created_at >= value)
            elif name == "until":
                query = query.where(entry.created_at < value)
            else:
                query = query.where(getattr(entry, name) == value)
        query = query.order_by(entry.created_at.desc(), entry.id.desc()).limit(limit)
        return [dict(row) for row in self.session.execute(query).mappings()]

    def purge_api_log(self, before: datetime) -> int:
        """Delete log entries older than ``before``; returns how many."""
        entry = models.ApiLogEntry
        return self.session.execute(delete(entry).where(entry.created_at < before)).rowcount

    def usage(self, account_id: int) -> list[tuple[str, object, str, str, int]]:
        """Calls per access, day, API and method for the account (newest day first)."""
        a, u = models.ApiAccess, models.AccessUsage
        rows = self.session.execute(
            select(a.name, u.day, u.api, u.method, u.calls)
            .join(u, u.access_id == a.id)
            .where(a.account_id == account_id)
            .order_by(u.day.desc(), a.name, u.api, u.method)
        )
        return [tuple(row) for row in rows]
