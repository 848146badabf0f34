"""Time the account console's API log page on an account with 100,000 log entries.

    .venv/bin/python bench/console_log.py [--rows 100000] [--others 100000] [--days 30]
                                          [--runs 7] [DATABASE_URL]

Fills a scratch database (a temporary SQLite file; and then, when DATABASE_URL
is given or TEST_DATABASE_URL is set, a scratch database bench_<random> on that
PostgreSQL server, dropped afterwards) with --rows log entries of one account
and --others entries of six other accounts, spread over --days days, written
in bulk through the store's ApiLog.add. Then it times the console's queries
through service.application.apilog.log_page, as the console runs them (a page
of 50, newest first): the first page, the page reached by following
``next_before`` 20 times, and filtered first pages (a common and a rare method,
an outcome, a rare error code, a rare source address, a code no entry has, one
day's window) and a page half-way back (a cursor 15 days old). Prints
each query's milliseconds (the median of --runs runs), how many entries it
returned, and the plan of the SQL it sent (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN on PostgreSQL after ANALYZE, as autovacuum would have it). Figures
are for comparing queries within a run, not thresholds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# The repository root, for tests.query_plans (shared with the test suite).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataset import BENCH_ACCOUNTS, USER, Dataset, bench_dataset

from service.application.apilog import LogFilters, LogPage, log_page
from service.application.console import LOG_PAGE
from service.store.api_log import COLUMNS
from tests.query_plans import plans_of

# Entries per ApiLog.add call (one transaction each).
BATCH = 10_000
# Pages followed for the deep page.
DEEP = 20
# What the entries are made of: most calls succeed from a few addresses; the rare
# values below match about one entry in a thousand.
METHODS = ("getbalance", "getchannels", "getaddresses", "addaddress", "modifychannel")
RARE_METHOD = "deleteaddress"
ERROR_CODES = ("INCORRECT_USER_PASSWORD", "IP_NOT_ALLOWED", "NO_SUCH_ADDRESS")
RARE_CODE = "IP_NOT_ALLOWED"
SOURCES = tuple(f"198.51.100.{n}" for n in range(1, 21))
RARE_SOURCE = "203.0.113.99"
APIS = ("soap11", "soap12", "http", "basic", "jwt")


def entry(account_id: int, at: datetime, pick: random.Random) -> tuple[Any, ...]:
    """One log row in COLUMNS order."""
    rare = pick.random() < 0.001
    failed = rare or pick.random() < 0.03
    code = RARE_CODE if rare else pick.choice(ERROR_CODES[::2]) if failed else None
    method = RARE_METHOD if pick.random() < 0.001 else pick.choice(METHODS)
    values = {
        "request_id": uuid.UUID(int=pick.getrandbits(128)).hex,
        "created_at": at,
        "source_ip": RARE_SOURCE if pick.random() < 0.001 else pick.choice(SOURCES),
        "api": pick.choice(APIS),
        "api_class": "user",
        "method": method,
        "account_id": account_id,
        "access_id": None,
        "parameters": json.dumps({"user": "bench@example.com"}),
        "status": "ERROR" if failed else "SUCCESS",
        "error_code": code,
        "result": None if failed else "125.50",
        "http_status": 500 if failed else 200,
        "duration_ms": pick.randint(1, 40),
        "bytes_in": 400,
        "bytes_out": 600,
        "user_agent": "bench",
    }
    return tuple(values[column] for column in COLUMNS)


def fill(dataset: Dataset, rows: int, others: int, days: int) -> tuple[int, datetime]:
    """Write the entries, oldest first as the service writes them; the account's id and now."""
    with dataset.core.units.reading() as uow:
        ids = {email: uow.reads.account_by_email(email).id for email in BENCH_ACCOUNTS}  # type: ignore[union-attr]
    owner = ids[USER]
    other_ids = [i for email, i in ids.items() if email != USER]
    now = datetime.now(UTC).replace(microsecond=0)
    pick = random.Random(7)  # noqa: S311 (the same data set every run, no secret)
    span = days * 86_400
    owners = [owner] * rows + [pick.choice(other_ids) for _ in range(others)]
    moments = sorted(pick.uniform(0, span) for _ in owners)
    pick.shuffle(owners)
    made = [
        entry(account, now - timedelta(seconds=span - offset), pick)
        for account, offset in zip(owners, moments, strict=True)
    ]
    for start in range(0, len(made), BATCH):
        with dataset.core.units.writing() as uow:
            uow.api_log.add(made[start : start + BATCH])
            uow.commit()
    if dataset.core.engine.dialect.name == "postgresql":
        with dataset.core.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE api_log")
    return owner, now


def deep_filters(dataset: Dataset, owner: int) -> LogFilters:
    """The filters of the page reached by following ``next_before`` DEEP times."""
    filters = LogFilters()
    for _ in range(DEEP):
        page = log_page(dataset.core.units, owner, None, filters, LOG_PAGE)
        assert page.next_before is not None
        filters = LogFilters(before=page.next_before)
    return filters


def cursor_at(dataset: Dataset, owner: int, moment: datetime) -> LogFilters:
    """The filters of a page that starts at ``moment`` (as if followed there page by page)."""
    page = log_page(dataset.core.units, owner, None, LogFilters(until=moment), 1)
    first = page.entries[0]
    return LogFilters(before=(first["created_at"], first["id"] + 1))


def median_ms(run: Callable[[], LogPage], runs: int) -> tuple[float, int]:
    """The median milliseconds of ``runs`` runs (after one warm-up) and the entries returned."""
    found = run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(found.entries)


def measure(dataset: Dataset, args: argparse.Namespace) -> None:
    started = time.monotonic()
    owner, now = fill(dataset, args.rows, args.others, args.days)
    store = dataset.core.engine.dialect.name
    print(
        f"\n== {store}: {args.rows:,} entries of one account, {args.others:,} of others, "
        f"{args.days} days (filled in {time.monotonic() - started:.1f} s)"
    )
    day = now - timedelta(days=10)
    cases = {
        "first page": LogFilters(),
        f"page {DEEP + 1} (next_before x{DEEP})": deep_filters(dataset, owner),
        "a page half-way back": cursor_at(dataset, owner, now - timedelta(days=args.days / 2)),
        "method getbalance": LogFilters(method="getbalance"),
        f"method {RARE_METHOD} (rare)": LogFilters(method=RARE_METHOD),
        "outcome ERROR": LogFilters(outcome="ERROR"),
        f"outcome {RARE_CODE} (rare)": LogFilters(outcome=RARE_CODE),
        f"source_ip {RARE_SOURCE} (rare)": LogFilters(source_ip=RARE_SOURCE),
        "outcome SESSION_EXPIRED (none)": LogFilters(outcome="SESSION_EXPIRED"),
        "one day, 10 days ago": LogFilters(since=day, until=day + timedelta(days=1)),
    }
    for name, filters in cases.items():

        def run(filters: LogFilters = filters) -> LogPage:
            return log_page(dataset.core.units, owner, None, filters, LOG_PAGE)

        ms, returned = median_ms(run, args.runs)
        print(f"\n{name}: {ms:.2f} ms (median of {args.runs}), {returned} entries")
        for plan in plans_of(dataset.core.engine, "api_log", run):
            for line in plan:
                print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database_url", nargs="?", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for database_url in (None, args.database_url) if args.database_url else (None,):
        with bench_dataset(database_url) as (dataset, _env, _tmp):
            measure(dataset, args)


if __name__ == "__main__":
    main()
