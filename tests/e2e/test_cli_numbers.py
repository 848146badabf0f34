"""Numeric flags of the operator commands: out of range is a usage error and nothing happens."""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from service.store import models
from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.http import http_call
from tests.e2e.test_api_log import logged
from tests.e2e.test_cli import run


def _aged_log_rows(store: Store, server: RunningServer, days: int) -> str:
    """Three API log rows of a fresh user agent, made ``days`` old; returns the agent."""
    agent = f"purge-test-{uuid.uuid4().hex}"
    for _ in range(3):
        http_call(server, "getbalance", {}, headers={"User-Agent": agent})
    ids = [record["id"] for record in logged(store, agent, 3)]
    entry = models.ApiLogEntry
    with store.core.engine.begin() as connection:
        connection.execute(
            update(entry)
            .where(entry.id.in_(ids))
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )
    return agent


def _kept(store: Store, agent: str) -> int:
    return len(logged(store, agent, 3, deadline=0))


def _is_usage_error(result: subprocess.CompletedProcess[str], flag: str) -> None:
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("python -m service") and f"argument {flag}: a whole number" in last
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.fixture(scope="module")
def aged_agent(store: Store, server: RunningServer) -> str:
    """Three API log rows 10 days old, which no bad day count may purge (made once a store)."""
    return _aged_log_rows(store, server, 10)


@pytest.mark.parametrize("days", ["-3", "0", "-0", "36501", "1e3", "\uff13", "", "99" * 3000])
def test_purge_with_a_bad_day_count_deletes_nothing(
    store: Store, aged_agent: str, days: str
) -> None:
    _is_usage_error(run(store, "logs-purge", "--days", days), "--days")
    assert _kept(store, aged_agent) == 3


def test_purge_keeps_the_days_asked_for(store: Store, server: RunningServer) -> None:
    agent = _aged_log_rows(store, server, 10)
    kept = run(store, "logs-purge", "--days", "11")
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.endswith("API log entries older than 11 days\n")
    assert _kept(store, agent) == 3
    purged = run(store, "logs-purge", "--days=9")
    assert purged.returncode == 0, purged.stderr
    assert _kept(store, agent) == 0


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("logs", "--limit", "-1"), "--limit"),
        (("logs", "--limit", "0"), "--limit"),
        (("logs", "--limit", "100001"), "--limit"),
        (("logs", "--json", "--limit=-5"), "--limit"),
        (("city", "find", "ES", "Mad", "--limit", "-1"), "--limit"),
        (("city", "find", "ES", "--limit", "0"), "--limit"),
        (("serve", "--workers", "0"), "--workers"),
        (("serve", "--workers", "-2"), "--workers"),
        (("demo", "--workers", "100000"), "--workers"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(
    store: Store, args: tuple[str, ...], flag: str
) -> None:
    _is_usage_error(run(store, *args), flag)


def test_limits_in_range_work(store: Store) -> None:
    assert run(store, "logs", "--limit", "100000").returncode == 0
    found = run(store, "city", "find", "ES", "Madrid", "--limit", "1")
    assert found.returncode == 0 and len(found.stdout.splitlines()) == 1
