"""The operator's checks of an account holder's addresses."""

from __future__ import annotations

from ..store.uow import UnitOfWorkFactory
from .errors import Refused


def verify_address(
    units: UnitOfWorkFactory, idaddress: int, verified: int | None, addressverified: int | None
) -> None:
    """Set an address's ``verified`` and ``addressverified`` flags (None: unchanged)."""
    with units.writing() as uow:
        if not uow.addresses.set_verification(idaddress, verified, addressverified):
            raise Refused(f"no address {idaddress}")
        uow.commit()
