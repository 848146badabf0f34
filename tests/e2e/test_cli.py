"""The operator commands, run as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from service.domain.credentials import PasswordCredentials
from tests.conftest import CALLER, Store
from tests.e2e.test_soap_operations import address_params


def run(store: Store | None, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(store.env if store else {}), **env}
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_db_upgrade_is_idempotent(store: Store) -> None:
    result = run(store, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "0 catalogue cities added" in result.stdout


def test_account_create_and_set_balance(store: Store) -> None:
    email = f"cli-{uuid.uuid4().hex[:8]}@example.com"
    created = run(store, "account", "create", email, "--password", "s3cret-pw", "--balance", "12.3")
    assert created.returncode == 0, created.stderr
    operations = store.core.operations
    assert str(operations.getbalance(CALLER, PasswordCredentials(email, "s3cret-pw"))) == "12.30"
    assert run(store, "account", "set-balance", email.upper(), "99.99").returncode == 0
    assert str(operations.getbalance(CALLER, PasswordCredentials(email, "s3cret-pw"))) == "99.99"
    assert [
        c.channelname
        for c in operations.getchannels(CALLER, PasswordCredentials(email, "s3cret-pw"))
    ] == [
        "sms",
        "email",
        "voice",
    ]
    listed = run(store, "account", "list")
    assert f"{email}\t99.99\t0 addresses" in listed.stdout
    assert "s3cret-pw" not in created.stdout + created.stderr + listed.stdout


def test_duplicate_account_is_a_one_line_error(store: Store) -> None:
    email, _ = store.account()
    result = run(store, "account", "create", email, "--password", "another-pw")
    assert result.returncode == 1
    assert result.stderr == f"error: an account {email} already exists\n"


@pytest.mark.parametrize(
    "args",
    [
        ("account", "set-balance", "nobody@example.com", "1.00"),
        ("account", "set-balance", "someone@example.com", "1.005"),
        ("account", "set-balance", "someone@example.com", "NaN"),
        ("account", "set-balance", "someone@example.com", "lots"),
        ("account", "set-balance", "someone@example.com", "1e400"),
        ("account", "set-balance", "someone@example.com", "-1E+999999"),
        ("account", "create", "a@example.com", "--password", "long-enough", "--balance", "9e99"),
        ("account", "create", "not-an-email", "--password", "long-enough"),
        ("account", "create", "a@example.com", "--password", "short"),
        ("city", "add", "12", "XX", "Nowhere"),
        # Characters XML cannot carry: no answer could hold them, no login could send them.
        ("account", "create", "a\x1b@example.com", "--password", "long-enough"),
        ("account", "create", "a@example.com", "--password", "long\x0benough"),
        ("city", "add", "999000123", "ES", "Villa\x1b[2J"),
    ],
)
def test_bad_input_fails_clearly(store: Store, args: tuple[str, ...]) -> None:
    result = run(store, *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(("error:", "usage:", "python -m"))


def test_unreachable_database(store: Store) -> None:
    result = run(
        None,
        "account",
        "list",
        DATABASE_URL="postgresql://postgres:hunter2@127.0.0.1:1/nowhere",
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: cannot use the database at 127.0.0.1:1/nowhere: "
        "connection refused (is the server running, on that port?)\n"
    )


def test_operator_adds_a_town_and_addresses_use_it(store: Store) -> None:
    town = 2_100_000_000 + int(uuid.uuid4().int % 1_000_000)
    result = run(store, "city", "add", str(town), "es", "Villanueva de Prueba")
    assert result.returncode == 0, result.stderr
    found = run(store, "city", "find", "ES", "Villanueva de Pru")
    assert f"{town}\tVillanueva de Prueba" in found.stdout
    user, password = store.account()
    idaddress = store.core.operations.addaddress(
        CALLER,
        PasswordCredentials(user, password),
        **address_params(countrycode="ES", cityid=town, cityname="Villanueva"),
    )
    verified = run(store, "address", "verify", str(idaddress), "--addressverified", "1")
    assert verified.returncode == 0, verified.stderr
    [address] = store.core.operations.getaddresses(CALLER, PasswordCredentials(user, password))
    assert (address.verified, address.addressverified) == (0, 1)
