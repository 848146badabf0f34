"""Money keeps every digit on both stores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.domain.credentials import PasswordCredentials
from tests.conftest import CALLER, Store


@pytest.mark.parametrize(
    "amount", ["0.00", "0.01", "125.50", "-3.10", "9999999999999999.99", "-9999999999999999.99"]
)
def test_balance_round_trips_exactly(store: Store, amount: str) -> None:
    user, password = store.account(amount)
    balance = store.core.operations.getbalance(CALLER, PasswordCredentials(user, password))
    assert str(balance) == amount and balance == Decimal(amount)
