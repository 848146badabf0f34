"""IP filters: the networks an account, or one of its accesses, may call from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..store.uow import UnitOfWorkFactory
from .accesses import access_ids
from .accounts import account_id
from .errors import Refused


@dataclass(frozen=True)
class IpFilters:
    """An account's filter and those of its accesses that have one (empty: every address)."""

    account: list[str]
    accesses: list[tuple[str, list[str]]]


def _owner(units: UnitOfWorkFactory, email: str, access: str | None) -> tuple[int, int | None]:
    """The account's id, and the access's when the filter is an access's."""
    if access is None:
        return account_id(units, email), None
    return access_ids(units, email, access)


def _edit_filter(
    units: UnitOfWorkFactory, email: str, access: str | None, edit: Callable[[list[str]], None]
) -> list[str]:
    """Apply ``edit`` to the filter (the account's, or its access's); returns the filter."""
    owner, access_key = _owner(units, email, access)
    with units.writing() as uow:
        networks = uow.reads.networks(owner, access_key)
        edit(networks)
        uow.accesses.set_networks(owner, access_key, networks)
        uow.commit()
    return networks


def allow_network(
    units: UnitOfWorkFactory, email: str, network: str, access: str | None = None
) -> list[str]:
    """Add ``network`` to the filter (the account's, or its access's); returns the filter."""

    def add(networks: list[str]) -> None:
        if network not in networks:
            networks.append(network)

    return _edit_filter(units, email, access, add)


def deny_network(
    units: UnitOfWorkFactory, email: str, network: str, access: str | None = None
) -> list[str]:
    """Remove ``network`` from the filter; returns the filter (empty: every address)."""

    def remove(networks: list[str]) -> None:
        if network not in networks:
            raise Refused(f"{network} is not in that filter")
        networks.remove(network)

    return _edit_filter(units, email, access, remove)


def ip_filters(units: UnitOfWorkFactory, email: str) -> IpFilters:
    """The account's filter and its accesses' filters."""
    owner = account_id(units, email)
    with units.reading() as uow:
        account = uow.reads.networks(owner, None)
        accesses = []
        for access in uow.listings.accesses(owner):
            networks = uow.reads.networks(owner, access.id)
            if networks:
                accesses.append((access.name, networks))
    return IpFilters(account, accesses)
