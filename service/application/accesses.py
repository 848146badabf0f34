"""API accesses: extra logins of an account, each with its own secret, state and filter."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ..auth.passwords import Passwords
from ..domain.access import ACCESS_LOGIN_PREFIX, AccessRecord, AccessState
from ..store.uow import UnitOfWorkFactory
from .accounts import account_id
from .errors import Refused


@dataclass(frozen=True)
class NewAccess:
    """A created access's login and secret: the secret exists in clear only here, once."""

    login: str
    secret: str


def create_access(
    units: UnitOfWorkFactory, passwords: Passwords, email: str, name: str
) -> NewAccess:
    """Create the access ``name`` of the account ``email`` with a new login and secret."""
    owner = account_id(units, email)
    # Lower-case, as every login is compared.
    created = NewAccess(ACCESS_LOGIN_PREFIX + secrets.token_hex(12), secrets.token_urlsafe(24))
    # Hashed before the write lock is taken: Argon2 takes a fraction of a second.
    secret_hash = passwords.hash(created.secret)
    with units.writing() as uow:
        if uow.listings.access_id(owner, name) is not None:
            raise Refused(f"{email} already has an access called {name}")
        uow.accesses.create(owner, name, created.login, secret_hash)
        uow.commit()
    return created


def accesses(units: UnitOfWorkFactory, email: str) -> list[AccessRecord]:
    """The account's accesses, its own login first, each with its last use."""
    owner = account_id(units, email)
    with units.reading() as uow:
        return uow.listings.accesses(owner)


def set_access_state(units: UnitOfWorkFactory, email: str, name: str, state: AccessState) -> None:
    """Enable, disable or revoke an access; a revoked one stays revoked."""
    owner = account_id(units, email)
    with units.writing() as uow:
        if not uow.accesses.set_state(owner, name, state):
            raise Refused(f"{email} has no access {name} that can be {state}")
        uow.commit()


def access_ids(units: UnitOfWorkFactory, email: str, name: str) -> tuple[int, int]:
    """The ids of the account ``email`` and of its access ``name``."""
    owner = account_id(units, email)
    with units.reading() as uow:
        found = uow.listings.access_id(owner, name)
    if found is None:
        raise Refused(f"{email} has no access {name}")
    return owner, found


def rotate_secret(
    units: UnitOfWorkFactory, passwords: Passwords, email: str, name: str
) -> NewAccess:
    """Give the access ``name`` a new secret (the old one stops working at once)."""
    owner = account_id(units, email)
    secret = secrets.token_urlsafe(24)
    secret_hash = passwords.hash(secret)
    with units.reading() as uow:
        found = [a for a in uow.listings.accesses(owner) if a.name == name and a.login]
    if not found:
        raise Refused(f"{email} has no access {name} with a secret")
    with units.writing() as uow:
        if not uow.accesses.set_secret(owner, name, secret_hash):
            raise Refused(f"{email} has no access {name} whose secret can change")
        uow.commit()
    login = found[0].login
    assert login is not None
    return NewAccess(login, secret)
