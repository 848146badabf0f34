"""The account console's tests: a real browser against the real server, and helpers."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningServer

from .browser import browser, browser_context, page  # noqa: F401 (fixtures)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run on SQLite only.

    They test the pages; the store under the console (sessions, the log's queries,
    the city search, accesses and filters) runs on PostgreSQL too in the HTTP-level
    console tests, the unit tests and the operator commands' tests.
    """
    on_postgresql = [
        item
        for item in items
        if isinstance(item, pytest.Function)
        and "browser" in item.fixturenames
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("store") == "postgresql"
    ]
    if on_postgresql:
        config.hook.pytest_deselected(items=on_postgresql)
        items[:] = [item for item in items if item not in on_postgresql]


# The API log is written in batches (USERAPI_API_LOG_FLUSH_SECONDS, 1 s in tests).
LOG_WAIT = 15.0


def sign_in(tab: Page, server: RunningServer, user: str, password: str) -> None:
    """Sign in from the console's address, as a person would, and land on the balance."""
    tab.goto(f"{server.url}/console/")
    tab.fill("input[name=user]", user)
    tab.fill("input[name=password]", password)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("heading", name="Balance")).to_be_visible()


def eventually(check: Callable[[], bool], seconds: float = LOG_WAIT) -> bool:
    """True once ``check()`` is, within ``seconds`` (the API log's batches take a moment)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return check()


def form_token(html: str) -> str:
    """The form token of a page's first form."""
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def http_sign_in(server: RunningServer, user: str, password: str) -> requests.Session:
    """A signed-in session without a browser (for what a browser would not send)."""
    session = requests.Session()
    token = form_token(session.get(f"{server.url}/console/", timeout=10).text)
    answer = session.post(
        f"{server.url}/console/login",
        data={"csrf": token, "user": user, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text[:500]
    return session
