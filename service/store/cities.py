"""The city catalogue on a session: towns an operator adds."""

from __future__ import annotations

from sqlalchemy.orm import Session

from . import models


class Cities:
    """Writes to the city catalogue, in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, cityid: int, countrycode: str, name: str) -> None:
        """Add a town to the catalogue."""
        self._session.add(
            models.City(id=cityid, countrycode=countrycode, name=name, source="operator")
        )
        self._session.flush()
