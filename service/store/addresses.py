"""Addresses on a session: added, deleted, and verified by the operator."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from ..domain.address import NewAddress
from . import models
from .dml import changed

_a = models.Address


class Addresses:
    """Writes to addresses, in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, account_id: int, new: NewAddress) -> int:
        """Store a new, unverified address and return its id."""
        address = _a(account_id=account_id, **asdict(new), verified=0, addressverified=0)
        self._session.add(address)
        self._session.flush()
        return address.id

    def delete(self, account_id: int, idaddress: int) -> bool:
        """Delete one of the account's own addresses; False when it has no such address."""
        own = delete(_a).where(_a.id == idaddress, _a.account_id == account_id)
        return changed(self._session, own) == 1

    def set_verification(
        self, idaddress: int, verified: int | None, addressverified: int | None
    ) -> bool:
        """Set an address's verification flags (None: unchanged); False when there is none."""
        changes = {
            name: value
            for name, value in (("verified", verified), ("addressverified", addressverified))
            if value is not None
        }
        if not changes:
            return self._session.get(_a, idaddress) is not None
        return changed(self._session, update(_a).where(_a.id == idaddress).values(**changes)) == 1
