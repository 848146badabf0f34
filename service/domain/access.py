"""API accesses: the ways into an account, each enabled, disabled or revoked on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# The name of the access that is the account's own e-mail and password.
OWN_LOGIN = "login"
# Generated access logins start with this; an e-mail address never does.
ACCESS_LOGIN_PREFIX = "ak_"


def is_access_login(user: str) -> bool:
    """True when ``user`` (normalised) is a generated access's login, not an e-mail."""
    return user.startswith(ACCESS_LOGIN_PREFIX)


class AccessState(StrEnum):
    """Whether an access lets its login in; a revoked access never comes back."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    REVOKED = "revoked"


@dataclass(frozen=True)
class AccessRecord:
    """One API access of an account (operator view)."""

    id: int
    name: str
    login: str | None  # None for the own login (the account's e-mail)
    state: AccessState
    created_at: datetime
    first_used_at: datetime | None
    last_used_at: datetime | None
    last_source_ip: str | None
    last_api: str | None
    last_method: str | None
