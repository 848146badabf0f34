"""Every listing command has ``--json``: one JSON object a line, beside its text."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Store
from tests.e2e.test_cli import run


def listed(store: Store, *words: str) -> list[dict[str, Any]]:
    result = run(store, *words, "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_listings_as_json(store: Store) -> None:
    email, _ = store.account("4.20")
    assert run(store, "access", "create", email, "--name", "erp").returncode == 0
    assert run(store, "ip", "allow", email, "203.0.113.0/24").returncode == 0
    assert run(store, "ip", "allow", email, "198.51.100.7", "--access", "erp").returncode == 0

    accounts = [row for row in listed(store, "account", "list") if row["email"] == email]
    assert accounts == [{"email": email, "balance": "4.20", "addresses": 0}]

    accesses = {row["name"]: row for row in listed(store, "access", "list", email)}
    assert accesses["erp"]["state"] == "enabled" and accesses["erp"]["last_used_at"] is None
    assert set(accesses["erp"]) == {
        "name",
        "login",
        "state",
        "last_used_at",
        "last_source_ip",
        "last_api",
        "last_method",
    }

    assert listed(store, "ip", "list", email) == [
        {"filter": "account", "allowed": ["203.0.113.0/24"]},
        {"filter": "access", "access": "erp", "allowed": ["198.51.100.7/32"]},
    ]
    assert listed(store, "connections", email) == []
    for row in listed(store, "throttle", "list"):
        assert set(row) == {"key", "failures", "blocked_until"}
