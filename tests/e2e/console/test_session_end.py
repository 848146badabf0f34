"""What ends a console session besides signing out, and the sign-in's throttling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from service.application.accounts import set_password, switch_account
from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server

from .conftest import form_token, sign_in


def test_an_operator_disabling_the_account_ends_its_session(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    switch_account(server.store.core.units, user, disabled=True)
    try:
        page.goto(f"{server.url}/console/channels")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("disabled")
    finally:
        switch_account(server.store.core.units, user, disabled=False)
    # Enabled again, the old session stays ended: its cookie was cleared.
    page.goto(f"{server.url}/console/channels")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_an_operator_setting_a_new_password_ends_every_session(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    store = server.store
    set_password(store.core.units, store.core.passwords, user, password + "-new")
    page.goto(f"{server.url}/console/log")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("session has ended")


@pytest.fixture(scope="module")
def strict_server(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A server that blocks an account after 3 failed logins from one address."""
    running = start_server(
        store,
        tmp_path_factory.mktemp("strict") / "server.log",
        extra_env={"USERAPI_THROTTLE_ACCOUNT_FAILURES": "3"},
        workers=1,
    )
    yield running
    stop_server(running)


def test_sign_in_is_throttled_like_the_api(strict_server: RunningServer) -> None:
    user, password = strict_server.store.account()
    browser = requests.Session()
    statuses = []
    for attempt in ["wrong-1", "wrong-2", "wrong-3", "wrong-4", password, password]:
        token = form_token(browser.get(f"{strict_server.url}/console/", timeout=10).text)
        answer = browser.post(
            f"{strict_server.url}/console/login",
            data={"csrf": token, "user": user, "password": attempt},
            allow_redirects=False,
            timeout=10,
        )
        statuses.append(answer.status_code)
    # Three failures are allowed; the fourth is answered as such and blocks the
    # account from this address: then even the right password is refused, before
    # it is looked at.
    assert statuses[:4] == [403, 403, 403, 403]
    assert statuses[4:] == [429, 429]
    assert "TOO_MANY_ATTEMPTS" in answer.text and answer.headers.get("Retry-After")
    # The API shares the block.
    blocked = requests.get(
        f"{strict_server.url}/api/http/",
        params={"class": "user", "method": "getbalance", "user": user, "password": password},
        timeout=10,
    ).json()
    assert blocked == {"status": "ERROR", "error": "TOO_MANY_ATTEMPTS"}
