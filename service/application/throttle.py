"""Failed-login throttling as an operator sees it: the counters, and lifting them."""

from __future__ import annotations

from ..domain.throttle import ThrottleKey, ThrottleRecord
from ..store.uow import UnitOfWorkFactory


def throttle_records(units: UnitOfWorkFactory) -> list[ThrottleRecord]:
    """Every failed-login counter, with its block if any."""
    with units.reading() as uow:
        return uow.listings.throttle_records()


def clear_throttle(units: UnitOfWorkFactory, user: str | None, ip: str | None) -> int:
    """Forget the failed logins of ``user``, of the source ``ip`` (IPv6: its /64), or of both.

    Neither given: every record. Returns how many records went.
    """
    source = ThrottleKey.of_source(ip).source if ip else None
    with units.writing() as uow:
        cleared = uow.throttle.clear(user, source)
        uow.commit()
    return cleared
