"""The application layer on both stores: the rules the CLI and the console share."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest

from service.application import accesses, accounts, apilog, catalogue, networks, throttle
from service.application.addresses import verify_address
from service.application.errors import Refused
from service.application.inputs import access_name, account_email, balance, cityname, new_password
from service.domain.access import ACCESS_LOGIN_PREFIX, AccessState
from service.domain.credentials import PasswordCredentials
from tests.conftest import CALLER, Store


def reason(action: Callable[[], object]) -> str:
    """Why ``action`` was refused."""
    with pytest.raises(Refused) as refused:
        action()
    return str(refused.value)


def _email() -> str:
    return f"app-{uuid.uuid4().hex[:8]}@example.com"


def test_create_account_then_refuse_the_same_email(store: Store) -> None:
    units, passwords = store.core.units, store.core.passwords
    email = _email()
    accounts.create_account(units, passwords, email, "long-enough", Decimal("5.00"))
    credentials = PasswordCredentials(email, "long-enough")
    assert store.core.operations.getbalance(CALLER, credentials) == Decimal("5.00")
    assert (
        reason(
            lambda: accounts.create_account(units, passwords, email, "long-enough", Decimal("0.00"))
        )
        == f"an account {email} already exists"
    )
    assert (
        reason(lambda: accounts.set_balance(units, "nobody@example.com", Decimal("1.00")))
        == "no account nobody@example.com"
    )


def test_create_access_returns_a_generated_login_and_a_secret_that_logs_in(store: Store) -> None:
    email, _ = store.account()
    created = accesses.create_access(store.core.units, store.core.passwords, email, "billing")
    assert created.login.startswith(ACCESS_LOGIN_PREFIX)
    assert created.login == created.login.lower()
    credentials = PasswordCredentials(created.login, created.secret)
    assert store.core.operations.getbalance(CALLER, credentials) == Decimal("0.00")
    assert (
        reason(
            lambda: accesses.create_access(store.core.units, store.core.passwords, email, "billing")
        )
        == f"{email} already has an access called billing"
    )
    accesses.set_access_state(store.core.units, email, "billing", AccessState.REVOKED)
    assert (
        reason(
            lambda: accesses.set_access_state(
                store.core.units, email, "billing", AccessState.ENABLED
            )
        )
        == f"{email} has no access billing that can be enabled"
    )


def test_network_lists_are_edited_without_duplicates(store: Store) -> None:
    email, _ = store.account()
    units = store.core.units
    assert networks.allow_network(units, email, "192.0.2.0/24") == ["192.0.2.0/24"]
    assert networks.allow_network(units, email, "192.0.2.0/24") == ["192.0.2.0/24"]
    assert networks.allow_network(units, email, "2001:db8::/64") == [
        "192.0.2.0/24",
        "2001:db8::/64",
    ]
    assert (
        reason(lambda: networks.deny_network(units, email, "198.51.100.0/24"))
        == "198.51.100.0/24 is not in that filter"
    )
    assert (
        reason(lambda: networks.allow_network(units, email, "192.0.2.0/24", access="nosuch"))
        == f"{email} has no access nosuch"
    )
    accesses.create_access(units, store.core.passwords, email, "ops")
    networks.allow_network(units, email, "203.0.113.7/32", access="ops")
    filters = networks.ip_filters(units, email)
    assert filters.account == ["192.0.2.0/24", "2001:db8::/64"]
    assert filters.accesses == [("ops", ["203.0.113.7/32"])]
    networks.deny_network(units, email, "192.0.2.0/24")
    assert networks.deny_network(units, email, "2001:db8::/64") == []


def test_demo_account_gets_a_new_password_each_time(store: Store) -> None:
    units, passwords = store.core.units, store.core.passwords
    first = accounts.reset_demo_account(units, passwords)
    second = accounts.reset_demo_account(units, passwords)
    assert first != second
    operations = store.core.operations
    credentials = PasswordCredentials(accounts.DEMO_USER, second)
    assert operations.getbalance(CALLER, credentials) >= Decimal("0.00")


def test_catalogue_address_log_and_throttle_actions(store: Store) -> None:
    units = store.core.units
    town = 2_000_000_000 + int(uuid.uuid4().int % 1_000_000)
    assert catalogue.add_city(units, town, "ES", "  Villa Prueba  ") == "Villa Prueba"
    assert (town, "Villa Prueba") in catalogue.find_cities(units, "ES", "Villa Pru", 20)
    assert (
        reason(lambda: catalogue.add_city(units, town, "ES", "Other"))
        == f"city {town} already exists"
    )
    assert reason(lambda: verify_address(units, 2_147_483_647, 1, None)) == "no address 2147483647"
    email, _ = store.account()
    assert apilog.usage(units, email) == []
    assert apilog.log_entries(units, account=email, limit=10) == []
    assert throttle.clear_throttle(units, email, None) == 0


@pytest.mark.parametrize(
    ("rule", "text", "reason"),
    [
        (account_email, "not-an-email", "not an e-mail address"),
        (new_password, "short", "a password has 8 to 256 characters"),
        (new_password, "long\x0benough", "a password cannot hold control characters"),
        (balance, "1.005", "at most 2 decimal places"),
        (balance, "NaN", "not an amount"),
        (access_name, "no spaces", "1 to 64 letters"),
        (cityname, "   ", "a city name has 1 to 200 characters"),
    ],
)
def test_input_rules_refuse_with_a_reason(
    rule: Callable[[str], object], text: str, reason: str
) -> None:
    with pytest.raises(Refused, match=reason):
        rule(text)


def test_input_rules_normalise() -> None:
    assert account_email(" Someone@Example.COM ") == "someone@example.com"
    assert balance("12.3") == Decimal("12.30")


def test_the_console_city_search_and_name_look_up(store: Store) -> None:
    madrid = 3117735
    credentials = PasswordCredentials(*store.account())
    console = store.core.console
    assert (madrid, "Madrid") in console.findcities(CALLER, credentials, " es ", "Madrid")
    assert console.findcities(CALLER, credentials, "ES", "  ") == []
    assert console.findcities(CALLER, credentials, "ESP", "Madrid") == []
    assert console.cityname(CALLER, credentials, "es", str(madrid)) == "Madrid"
    assert console.cityname(CALLER, credentials, "FR", str(madrid)) is None
    assert console.cityname(CALLER, credentials, "ES", "99999999999") is None
    assert console.cityname(CALLER, credentials, "ES", "Madrid") is None
