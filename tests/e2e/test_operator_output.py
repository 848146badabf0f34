"""Operator output: what callers sent or stored never drives the terminal or forges a record.

An anonymous caller puts ESC sequences, CR/LF, C1 controls, Unicode line separators
and bidi overrides into a method and a user; stored names carry them too. Every
text output shows each record on one line with the characters escaped, and
``--json`` stays one parseable object a line.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from decimal import Decimal

from service.domain.channel import DEFAULT_CHANNEL_TYPES
from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.http import http_call
from tests.e2e.soap import envelope, fields, post
from tests.e2e.test_api_log import logged
from tests.e2e.test_cli import run

# What a terminal acts on, or a reader takes for a line break (the line ending and the
# tab between fields are the output's own).
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
HOSTILE = "\x1b[2J\x1b]0;owned\x07\r\n\t\x85\u2028\u202e\x9b31m"


def records_on_one_line(output: str, marker: str, count: int, fields_per_line: int) -> list[str]:
    """The output's lines holding ``marker``: ``count`` of them, each a whole record."""
    assert RAW_CONTROL.search(output) is None, repr(output)
    lines = [text for text in output.split("\n") if marker in text]
    assert len(lines) == count, output
    assert all(len(text.split("\t")) == fields_per_line for text in lines), lines
    return lines


def test_anonymous_callers_cannot_forge_log_or_throttle_lines(
    store: Store, server: RunningServer
) -> None:
    marker = uuid.uuid4().hex
    agent = f"forger-{marker}"
    evil_user = f"a{HOSTILE}{marker}@example.com"
    http_call(
        server,
        # The API log cuts a method at 32 characters: the end of this one fits.
        f"{HOSTILE}x{marker[:6]}",
        {"user": evil_user, "password": "x"},
        headers={"User-Agent": agent},
    )
    http_call(
        server,
        "getbalance",
        {"user": f"h{evil_user}", "password": "wrong-password"},
        headers={"User-Agent": agent},
    )
    # XML 1.0 carries no ESC: the SOAP user has the rest, CR/LF as character references.
    soap_user = f"s\r\n\x85\u2028\u202e{marker}@example.com".replace("\r", "&#13;")
    post(
        server.soap_url,
        envelope("getbalance", fields(user=soap_user, password="wrong-password")),
        **{"User-Agent": agent},
    )
    records = logged(store, agent, 3)
    assert len(records) == 3

    text = run(store, "logs", "--limit", "1000")
    assert text.returncode == 0, text.stderr
    for record in records:
        records_on_one_line(text.stdout, record["request_id"], 1, 8)
    [forged] = records_on_one_line(text.stdout, records[0]["request_id"], 1, 8)
    assert forged.split("\t")[4].endswith(f"x{marker[:6]}")

    as_json = run(store, "logs", "--json", "--limit", "1000")
    assert RAW_CONTROL.search(as_json.stdout) is None
    lines = as_json.stdout.splitlines()
    assert lines == as_json.stdout.rstrip("\n").split("\n")
    mine = [json.loads(line) for line in lines if agent in line]
    assert sorted(r["request_id"] for r in mine) == sorted(r["request_id"] for r in records)
    assert any(r["method"].endswith(f"x{marker[:6]}") for r in mine)

    throttled = run(store, "throttle", "list")
    assert throttled.returncode == 0, throttled.stderr
    for line in records_on_one_line(throttled.stdout, marker, 2, 3):
        assert line.startswith("user:") and line.endswith("blocked until -")


def test_stored_names_are_shown_escaped(store: Store, server: RunningServer) -> None:
    marker = uuid.uuid4().hex
    email, _ = store.account()
    evil_email = f"e{HOSTILE}{marker}@example.com"
    name = f"n{HOSTILE}{marker}"
    town = 2_000_000_000 + uuid.uuid4().int % 100_000_000
    login, secret = f"ak_{marker}", f"secret-{marker}"
    core = store.core
    with core.units.writing() as uow:
        uow.accounts.create(
            evil_email, core.passwords.hash("pw-unused-1"), Decimal("1.00"), DEFAULT_CHANNEL_TYPES
        )
        account = uow.reads.account_by_email(email)
        assert account is not None
        account_id = account.id
        access_id = uow.accesses.create(account_id, name, login, core.passwords.hash(secret))
        uow.accesses.set_networks(account_id, access_id, ["127.0.0.0/8"])
        uow.cities.add(town, "ES", f"Pueblo{marker}{HOSTILE}")
        uow.commit()
    post(server.soap_url, envelope("getbalance", fields(user=login, password=secret)))
    http_call(server, "getchannels", {"user": login, "password": secret})

    accounts = run(store, "account", "list")
    records_on_one_line(accounts.stdout, marker, 1, 3)
    cities = run(store, "city", "find", "ES", f"Pueblo{marker}")
    assert cities.returncode == 0, cities.stderr
    records_on_one_line(cities.stdout, marker, 1, 2)
    filters = run(store, "ip", "list", email)
    records_on_one_line(filters.stdout, marker, 1, 2)
    # Usage is written with the API log, within a flush interval.
    deadline = time.monotonic() + 15
    while (usage := run(store, "connections", email).stdout).count(marker) < 2:
        assert time.monotonic() < deadline, usage
        time.sleep(0.2)
    records_on_one_line(usage, marker, 2, 5)
    accesses = run(store, "access", "list", email)
    [listed] = records_on_one_line(accesses.stdout, marker, 1, 4)
    assert "via " in listed
