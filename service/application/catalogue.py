"""The city catalogue: towns an operator adds, and finding them by name."""

from __future__ import annotations

from ..store.uow import UnitOfWorkFactory
from .errors import Refused
from .inputs import cityname


def add_city(units: UnitOfWorkFactory, cityid: int, countrycode: str, name: str) -> str:
    """Add a town the catalogue lacks; returns its name as stored (trimmed)."""
    name = cityname(name)
    with units.writing() as uow:
        if uow.reads.city_countrycode(cityid) is not None:
            raise Refused(f"city {cityid} already exists")
        uow.cities.add(cityid, countrycode, name)
        uow.commit()
    return name


def find_cities(
    units: UnitOfWorkFactory, countrycode: str, prefix: str, limit: int
) -> list[tuple[int, str]]:
    """A country's cities whose name starts with ``prefix``: (cityid, name), at most ``limit``."""
    with units.reading() as uow:
        return uow.listings.cities(countrycode, prefix, limit)


def city_name(units: UnitOfWorkFactory, countrycode: str, cityid: int) -> str | None:
    """The name of one of a country's cities, or None when it has no city ``cityid``."""
    with units.reading() as uow:
        return uow.listings.city_name(countrycode, cityid)
