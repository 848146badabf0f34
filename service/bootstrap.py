"""The composition root: settings, engine, units of work and operations, built once at start-up.

``CoreParts`` builds the first parts one at a time, each when first asked for:
an operator command takes only what it uses (``wsdl`` neither the database nor
Argon2). ``build_core`` takes them all, and the rest, for the server.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from .apilog.writer import ApiLogWriter
from .application.console import ConsoleActions
from .auth.cache import VerifiedCache
from .auth.credentials import Authenticator
from .auth.passwords import Passwords
from .auth.replay import ReplayGuard
from .auth.throttle import LoginThrottle
from .auth.tokens import TokenSigner
from .domain.session import SessionPolicy
from .errors import UserApiError
from .operations import UserOperations
from .settings import Settings
from .store.causes import database_cause
from .store.database import make_engine
from .store.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class Core:
    """Everything a transport adapter or an operator command needs."""

    settings: Settings
    engine: Engine
    units: UnitOfWorkFactory
    passwords: Passwords
    authenticator: Authenticator
    operations: UserOperations
    api_log: ApiLogWriter
    console: ConsoleActions


def database_unready(units: UnitOfWorkFactory) -> str | None:
    """Why the service cannot serve from its database (readiness), or None when it can.

    The database must answer, and its schema be at or ahead of this package's.
    """
    from .store.migrate import Schema, schema  # Alembic loads on the first check only

    try:
        with units.reading() as uow:
            state = schema(uow.connection)
    except (DBAPIError, UserApiError) as error:
        return database_cause(error) or "the database does not answer"
    return None if state in (Schema.CURRENT, Schema.AHEAD) else f"the schema is {state.value}"


class CoreParts:
    """Settings -> engine -> units of work, and the password hasher: each built on first use."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._given = settings

    @cached_property
    def settings(self) -> Settings:
        """The settings given, else read from the environment."""
        return Settings.from_env() if self._given is None else self._given

    @cached_property
    def engine(self) -> Engine:
        """The engine for ``DATABASE_URL`` (it connects when first used)."""
        return make_engine(self.settings.database_url)

    @cached_property
    def units(self) -> UnitOfWorkFactory:
        """Units of work on the engine."""
        return UnitOfWorkFactory(self.engine)

    @cached_property
    def passwords(self) -> Passwords:
        """The Argon2 hasher; building it computes one hash (the unknown user's)."""
        return Passwords(self.settings.argon2)


def build_core(settings: Settings | None = None) -> Core:
    """Build the core from ``settings`` (the environment by default)."""
    parts = CoreParts(settings)
    settings, engine, units = parts.settings, parts.engine, parts.units
    passwords = parts.passwords
    throttle = LoginThrottle(units, settings.throttle)
    cache = VerifiedCache(
        settings.secret_key or secrets.token_bytes(32),
        settings.credential_cache_size,
        settings.credential_cache_seconds,
    )
    tokens = TokenSigner(units, settings.secret_key, settings.token_seconds)
    sessions = SessionPolicy(timedelta(seconds=settings.console_idle_seconds))
    authenticator = Authenticator(passwords, throttle, cache, tokens, ReplayGuard(units), sessions)
    operations = UserOperations(units, authenticator, settings.max_addresses)
    api_log = ApiLogWriter(
        units,
        enabled=settings.api_log,
        mask_personal=settings.api_log_mask_personal,
        flush_seconds=settings.api_log_flush_seconds,
        max_pending=settings.api_log_max_pending,
    )
    console = ConsoleActions(units, passwords, operations, authenticator, signup=settings.signup)
    return Core(settings, engine, units, passwords, authenticator, operations, api_log, console)
