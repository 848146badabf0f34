"""SQLAlchemy models. The schema itself is created by the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..domain.access import AccessState
from ..domain.throttle import KEY_LENGTH
from .money import Money


def utcnow() -> datetime:
    """The current time in UTC; every stored timestamp is UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


def table_of(model: type[Base]) -> Table:
    """The table of ``model`` (DeclarativeBase types ``__table__`` as any FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Account(Base):
    """A customer account: the ``user`` (an e-mail address) of every call."""

    __tablename__ = "accounts"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased: e-mail addresses are matched without regard to case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    balance: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # True when the account has an IP filter: logins read it without another query.
    ip_filtered: Mapped[bool] = mapped_column(Boolean, default=False)
    # The account-wide switch: while True, none of its logins (own or access) gets in.
    # Each access keeps its own state, which applies again once the account is enabled.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class Address(Base):
    """A postal address of an account."""

    __tablename__ = "addresses"
    __table_args__ = (
        Index("ix_addresses_account_id", "account_id"),
        CheckConstraint("iscompany IN (0, 1)", name="ck_addresses_iscompany"),
        CheckConstraint("verified IN (0, 1)", name="ck_addresses_verified"),
        CheckConstraint("addressverified IN (0, 1)", name="ck_addresses_addressverified"),
        # A deleted address's id is never given to a new one (SQLite would reuse it).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    namelastname: Mapped[str] = mapped_column(String(200))
    iscompany: Mapped[int] = mapped_column(SmallInteger)
    companyname: Mapped[str] = mapped_column(String(200))
    documentid: Mapped[str] = mapped_column(String(50))
    countrycode: Mapped[str] = mapped_column(String(2))
    cityid: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    cityname: Mapped[str] = mapped_column(String(200))
    zipcode: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(500))
    verified: Mapped[int] = mapped_column(SmallInteger, default=0)
    addressverified: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Channel(Base):
    """A channel of an account; ``channelname`` is unique within the account."""

    __tablename__ = "channels"
    __table_args__ = (
        UniqueConstraint("account_id", "channelname", name="uq_channels_account_channelname"),
        CheckConstraint("active IN (0, 1)", name="ck_channels_active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    channeltype: Mapped[str] = mapped_column(String(32))
    channelname: Mapped[str] = mapped_column(String(64))
    active: Mapped[int] = mapped_column(SmallInteger, default=1)


class City(Base):
    """A city of the catalogue: GeoNames ids, or ids an operator chose for added towns."""

    __tablename__ = "cities"
    __table_args__ = (Index("ix_cities_countrycode_name", "countrycode", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    countrycode: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(200))
    # "geonames" for the packaged catalogue, "operator" for towns added by hand.
    source: Mapped[str] = mapped_column(String(16))


class CatalogueState(Base):
    """What has been loaded into the database, so that loading is done once."""

    __tablename__ = "catalogue_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class LoginThrottle(Base):
    """Failed logins per key (a source address, or an account from an address)."""

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_window_start", "window_start"),)

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ServiceSecret(Base):
    """Secrets every worker and host must share (the token signing key), made on first use."""

    __tablename__ = "service_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class SecurityNonce(Base):
    """WS-Security nonces seen recently (a digest of each), to refuse a replayed message."""

    __tablename__ = "security_nonces"
    __table_args__ = (Index("ix_security_nonces_expires_at", "expires_at"),)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiAccess(Base):
    """A way into an account: its own login (``login`` NULL) or a generated access.

    A generated access has a ``login`` (``ak_...``) and a secret kept only as an
    Argon2 hash; either kind is enabled, disabled or revoked on its own. The
    ``first_used_at``.. ``last_method`` columns are the connection tracking.
    """

    __tablename__ = "api_accesses"
    __table_args__ = (
        UniqueConstraint("account_id", "name", name="uq_api_accesses_account_name"),
        UniqueConstraint("login", name="uq_api_accesses_login"),
        CheckConstraint(
            "state IN (" + ", ".join(f"'{state}'" for state in AccessState) + ")",
            name="ck_api_accesses_state",
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    login: Mapped[str | None] = mapped_column(String(64))
    secret_hash: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=AccessState.ENABLED.value)
    ip_filtered: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    first_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_source_ip: Mapped[str | None] = mapped_column(String(45))
    last_api: Mapped[str | None] = mapped_column(String(16))
    last_method: Mapped[str | None] = mapped_column(String(32))


class IpFilter(Base):
    """An address or network allowed to call, for an account (``access_id`` NULL) or an access."""

    __tablename__ = "ip_filters"
    __table_args__ = (Index("ix_ip_filters_account_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    access_id: Mapped[int | None] = mapped_column(ForeignKey("api_accesses.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(64))


class ApiLogEntry(Base):
    """One request to any API: who, from where, what was asked and what was answered.

    Secrets are never stored; personal fields can be masked by configuration.
    """

    __tablename__ = "api_log"
    __table_args__ = (
        Index("ix_api_log_created_at", "created_at"),
        Index("ix_api_log_account_id_created_at", "account_id", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_ip: Mapped[str] = mapped_column(String(45))
    api: Mapped[str] = mapped_column(String(16))
    api_class: Mapped[str | None] = mapped_column(String(32))
    method: Mapped[str | None] = mapped_column(String(32))
    account_id: Mapped[int | None] = mapped_column(Integer)
    access_id: Mapped[int | None] = mapped_column(Integer)
    parameters: Mapped[str] = mapped_column(String(4000))
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(String(500))
    http_status: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    bytes_in: Mapped[int] = mapped_column(Integer)
    bytes_out: Mapped[int] = mapped_column(Integer)
    user_agent: Mapped[str | None] = mapped_column(String(200))


class AccessUsage(Base):
    """Calls per access, day, API and method (connection tracking)."""

    __tablename__ = "access_usage"

    access_id: Mapped[int] = mapped_column(
        ForeignKey("api_accesses.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    api: Mapped[str] = mapped_column(String(16), primary_key=True)
    method: Mapped[str] = mapped_column(String(32), primary_key=True)
    calls: Mapped[int] = mapped_column(Integer)


class ConsoleSession(Base):
    """A signed-in browser of the account console.

    ``digest`` is the SHA-256 of the cookie's token (a copy of the table opens
    no session). ``login`` is what signed in (the account's e-mail or an access
    login) and ``password_fingerprint`` the password it was checked against: a
    changed password ends the session on every worker.
    """

    __tablename__ = "console_sessions"
    __table_args__ = (
        Index("ix_console_sessions_account_id", "account_id"),
        Index("ix_console_sessions_last_seen_at", "last_seen_at"),
    )

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    login: Mapped[str] = mapped_column(String(254))
    password_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_ip: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
