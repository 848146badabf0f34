"""Channels on a session: switched on and off by name."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from . import models
from .dml import changed

_c = models.Channel


class Channels:
    """Writes to channels, in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def set_active(self, account_id: int, channelname: str, active: int) -> bool:
        """Enable or disable the account's channel named ``channelname`` (any case)."""
        named = _c.account_id == account_id, func.lower(_c.channelname) == channelname.lower()
        return changed(self._session, update(_c).where(*named).values(active=active)) >= 1
