"""Accounts on a session: created with their own login and channels, changed by the operator."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain.access import OWN_LOGIN, AccessState
from . import models
from .dml import changed


class Accounts:
    """Writes to accounts, in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def create(
        self, email: str, password_hash: str, balance: Decimal, channel_types: tuple[str, ...]
    ) -> int:
        """A new account with its own login and one channel per type, named after the type."""
        account = models.Account(
            email=email,
            password_hash=password_hash,
            balance=balance,
            ip_filtered=False,
            disabled=False,
        )
        self._session.add(account)
        self._session.flush()
        self._session.add(
            models.ApiAccess(
                account_id=account.id,
                name=OWN_LOGIN,
                state=AccessState.ENABLED.value,
                ip_filtered=False,
            )
        )
        for channeltype in channel_types:
            self._session.add(
                models.Channel(
                    account_id=account.id, channeltype=channeltype, channelname=channeltype
                )
            )
        self._session.flush()
        return account.id

    def lock(self, account_id: int) -> None:
        """Serialise writers of one account (FOR UPDATE; SQLite's write lock already does)."""
        self._session.execute(
            select(models.Account.id).where(models.Account.id == account_id).with_for_update()
        )

    def _set(self, email: str, **values: object) -> bool:
        account = update(models.Account).where(models.Account.email == email)
        return changed(self._session, account.values(**values)) == 1

    def set_balance(self, email: str, balance: Decimal) -> bool:
        """Set an account's balance; False when there is no such account."""
        return self._set(email, balance=balance)

    def set_password_hash(self, email: str, password_hash: str) -> bool:
        """Replace an account's password hash; False when there is no such account."""
        return self._set(email, password_hash=password_hash)

    def set_disabled(self, email: str, disabled: bool) -> bool:
        """Switch a whole account off or on again; False when there is no such account."""
        return self._set(email, disabled=disabled)
