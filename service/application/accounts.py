"""Accounts: create one, set its balance or password, switch it off and on, list them."""

from __future__ import annotations

import secrets
from decimal import Decimal

from ..auth.passwords import Passwords
from ..domain.channel import DEFAULT_CHANNEL_TYPES
from ..store.uow import UnitOfWorkFactory
from .errors import Refused

# The account `demo` serves, with a new password at every start.
DEMO_USER = "demo@example.com"
DEMO_BALANCE = Decimal("100.00")


def create_account(
    units: UnitOfWorkFactory, passwords: Passwords, email: str, password: str, balance: Decimal
) -> None:
    """Create an account with its default channels."""
    password_hash = passwords.hash(password)
    with units.writing() as uow:
        if uow.reads.account_by_email(email) is not None:
            raise Refused(f"an account {email} already exists")
        uow.accounts.create(email, password_hash, balance, DEFAULT_CHANNEL_TYPES)
        uow.commit()


def set_balance(units: UnitOfWorkFactory, email: str, balance: Decimal) -> None:
    """Set an account's balance."""
    with units.writing() as uow:
        if not uow.accounts.set_balance(email, balance):
            raise Refused(f"no account {email}")
        uow.commit()


def set_password(units: UnitOfWorkFactory, passwords: Passwords, email: str, password: str) -> None:
    """Replace an account's password (its tokens die with the old one)."""
    password_hash = passwords.hash(password)
    with units.writing() as uow:
        if not uow.accounts.set_password_hash(email, password_hash):
            raise Refused(f"no account {email}")
        uow.commit()


def switch_account(units: UnitOfWorkFactory, email: str, *, disabled: bool) -> None:
    """Disable a whole account (own login and every access) or enable it again."""
    with units.writing() as uow:
        if not uow.accounts.set_disabled(email, disabled):
            raise Refused(f"no account {email}")
        uow.commit()


def accounts(units: UnitOfWorkFactory) -> list[tuple[str, Decimal, int]]:
    """Every account: its e-mail, balance and number of addresses."""
    with units.reading() as uow:
        return uow.listings.accounts()


def account_id(units: UnitOfWorkFactory, email: str) -> int:
    """The id of the account ``email``."""
    with units.reading() as uow:
        account = uow.reads.account_by_email(email)
    if account is None:
        raise Refused(f"no account {email}")
    return account.id


def reset_demo_account(units: UnitOfWorkFactory, passwords: Passwords) -> str:
    """Give the demo account a new password (creating it if need be); returns that password."""
    demo_password = secrets.token_urlsafe(12)
    password_hash = passwords.hash(demo_password)
    with units.writing() as uow:
        if not uow.accounts.set_password_hash(DEMO_USER, password_hash):
            uow.accounts.create(DEMO_USER, password_hash, DEMO_BALANCE, DEFAULT_CHANNEL_TYPES)
        uow.commit()
    return demo_password
