"""API accesses and IP filters on a session: created, switched, and their networks set."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from ..domain.access import AccessState
from . import models
from .dml import changed

_a, _f = models.ApiAccess, models.IpFilter


class Accesses:
    """Writes to accesses and IP filters, in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def create(self, account_id: int, name: str, login: str, secret_hash: str) -> int:
        """A new, enabled access to the account; returns its id."""
        access = _a(
            account_id=account_id,
            name=name,
            login=login,
            secret_hash=secret_hash,
            state=AccessState.ENABLED.value,
            ip_filtered=False,
        )
        self._session.add(access)
        self._session.flush()
        return access.id

    def set_state(self, account_id: int, name: str, state: AccessState) -> bool:
        """Enable, disable or revoke an access by name; a revoked one stays revoked."""
        updated = changed(
            self._session,
            update(_a)
            .where(
                _a.account_id == account_id,
                _a.name == name,
                _a.state != AccessState.REVOKED.value,
            )
            .values(state=state.value),
        )
        return updated == 1

    def set_networks(self, account_id: int, access_id: int | None, networks: list[str]) -> None:
        """Replace the account's (``access_id`` None) or an access's IP filter (empty: all)."""
        condition = _f.access_id.is_(None) if access_id is None else _f.access_id == access_id
        self._session.execute(delete(_f).where(_f.account_id == account_id, condition))
        for network in networks:
            self._session.add(_f(account_id=account_id, access_id=access_id, network=network))
        if access_id is None:
            mark = update(models.Account).where(models.Account.id == account_id)
        else:
            mark = update(_a).where(_a.id == access_id)
        self._session.execute(mark.values(ip_filtered=bool(networks)))
        self._session.flush()

    def set_secret(self, account_id: int, name: str, secret_hash: str) -> bool:
        """Replace a generated access's secret; False when there is none by that name.

        A revoked access keeps its dead secret; the own login has a password instead.
        """
        updated = changed(
            self._session,
            update(_a)
            .where(
                _a.account_id == account_id,
                _a.name == name,
                _a.login.is_not(None),
                _a.state != AccessState.REVOKED.value,
            )
            .values(secret_hash=secret_hash),
        )
        return updated == 1
