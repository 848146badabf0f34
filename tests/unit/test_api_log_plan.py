"""The console's API log pages are served by the (account_id, created_at) index on SQLite.

No timing: the plan SQLite chooses is read, not measured (bench/console_log.py
measures it on 100,000 rows).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.application.apilog import LogFilters, log_page
from service.application.console import LOG_PAGE
from tests.conftest import Store
from tests.query_plans import plans_of

INDEX = "ix_api_log_account_id_created_at"


@pytest.mark.parametrize(
    "filters",
    [LogFilters(), LogFilters(method="getbalance"), LogFilters(outcome="ERROR")],
    ids=["first page", "method", "outcome"],
)
def test_the_first_log_page_reads_the_account_index(store: Store, filters: LogFilters) -> None:
    if store.name != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    plans = plans_of(
        store.core.engine,
        "api_log",
        lambda: log_page(store.core.units, 1, None, filters, LOG_PAGE),
    )
    assert len(plans) == 1
    plan = " | ".join(plans[0])
    assert f"SEARCH api_log USING INDEX {INDEX} (account_id=?)" in plan, plan
    assert "SCAN api_log" not in plan and "TEMP B-TREE" not in plan, plan


def test_a_later_page_starts_where_the_previous_one_ended(store: Store) -> None:
    if store.name != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    ended = LogFilters(before=(datetime(2026, 12, 1, tzinfo=UTC), 1000))
    plans = plans_of(
        store.core.engine, "api_log", lambda: log_page(store.core.units, 1, None, ended, LOG_PAGE)
    )
    # The index range ends at the cursor: the pages before it are not read again.
    assert f"SEARCH api_log USING INDEX {INDEX} (account_id=? AND created_at<?)" in plans[0][0]
