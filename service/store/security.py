"""The service's shared secrets and the WS-Security nonces seen, on a session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import models
from .dml import insert

_secrets, _nonces = models.ServiceSecret, models.SecurityNonce


class Security:
    """Secrets every worker shares and nonces every worker must refuse twice."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def shared_secret(self, name: str, candidate: str) -> str:
        """The secret called ``name``; stores ``candidate`` if there is none yet.

        Several workers starting at once all end up with the first one stored.
        """
        dialect = self._session.connection().dialect.name
        self._session.execute(
            insert(dialect, _secrets).values(name=name, value=candidate).on_conflict_do_nothing()
        )
        value: str = self._session.execute(
            select(_secrets.value).where(_secrets.name == name)
        ).scalar_one()
        return value

    def remember_nonce(self, digest: str, expires_at: datetime, now: datetime) -> bool:
        """Record a nonce; False when it was seen before and has not expired yet."""
        self._session.execute(delete(_nonces).where(_nonces.expires_at < now))
        dialect = self._session.connection().dialect.name
        # RETURNING says whether the row went in (rowcount of ON CONFLICT is not portable).
        inserted = self._session.execute(
            insert(dialect, _nonces)
            .values(digest=digest, expires_at=expires_at)
            .on_conflict_do_nothing()
            .returning(_nonces.digest)
        ).first()
        return inserted is not None
