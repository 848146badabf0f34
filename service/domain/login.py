"""What a login loads: the account, and the access it came in through."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .access import AccessState


@dataclass(frozen=True)
class AccountRecord:
    """The account and the access used, as one query loads them.

    ``password_hash`` is the hash the password is checked against: the account's
    own for its own login, the access's secret for a generated access.
    """

    id: int
    email: str
    password_hash: str
    balance: Decimal
    access_id: int
    # What the caller logs in as: the e-mail for the own login, else the access's login.
    login: str
    access_state: AccessState = AccessState.ENABLED
    # The account's or the access's IP filter holds networks: the address must pass them.
    ip_filtered: bool = False
    # The account is switched off as a whole (operator): no login of it gets in.
    account_disabled: bool = False
