"""Operator actions are recorded in the API log (API ``cli``), refusals too, never a password."""

from __future__ import annotations

import getpass
import json
import socket
import uuid
from typing import Any

from service.application.apilog import OPERATOR, LogFilters
from service.domain.credentials import PasswordCredentials
from tests.conftest import CALLER, Store
from tests.e2e.test_cli import run


def cli_records(store: Store, email: str) -> list[dict[str, Any]]:
    result = run(store, "logs", "--api", "cli", "--json", "--limit", "1000")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return sorted(
        (r for r in records if r["parameters"].get("user") == email), key=lambda r: r["id"]
    )


def test_operator_actions_are_recorded_with_who_ran_them(store: Store) -> None:
    email = f"audit-{uuid.uuid4().hex[:8]}@example.com"
    secret = "Audit-canary-77c1"
    assert run(store, "account", "create", email, "--password", secret).returncode == 0
    assert run(store, "account", "set-balance", email, "12.50").returncode == 0
    assert run(store, "ip", "allow", email, "192.0.2.0/24").returncode == 0
    assert run(store, "account", "list").returncode == 0  # a listing changes nothing
    refused = run(store, "access", "revoke", email, "no-such-access")
    assert refused.returncode == 1
    records = cli_records(store, email)
    assert [(r["method"], r["status"], r["error_code"]) for r in records] == [
        ("account create", "SUCCESS", None),
        ("account set-balance", "SUCCESS", None),
        ("ip allow", "SUCCESS", None),
        ("access revoke", "ERROR", "ACTION_REFUSED"),
    ]
    assert records[1]["parameters"] == {"user": email, "balance": "12.50"}
    assert records[2]["parameters"] == {"user": email, "network": "192.0.2.0/24"}
    owner = f"cli {getpass.getuser()}@{socket.gethostname()}"
    for record in records:
        assert record["api"] == "cli" and record["account_id"] is not None
        assert record["user_agent"] == owner
    assert secret not in json.dumps(records)

    # The account holder's own log (the console's) shows that an operator acted, not who or
    # on which host.
    console = store.core.console
    credentials = PasswordCredentials(email, secret)
    page = console.apilog(CALLER, credentials, LogFilters(api="cli"))
    assert sorted(e["method"] for e in page.entries) == sorted(r["method"] for r in records)
    assert {e["user_agent"] for e in page.entries} == {OPERATOR}
    entry = console.apilogentry(CALLER, credentials, records[1]["id"])
    assert (entry["method"], entry["user_agent"]) == ("account set-balance", OPERATOR)
