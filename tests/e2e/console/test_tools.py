"""The owner's tools in a real browser: API accesses, IP filters, connections, password.

Every change made here must take effect on the API at once; a new secret is
shown once and kept nowhere in clear (neither a later page nor the API log).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from service.store import models
from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.test_accesses import create_access, http_code
from tests.e2e.test_cli import run

from .conftest import eventually, form_token, http_sign_in, sign_in


def new_access(page: Page, server: RunningServer, name: str) -> tuple[str, str]:
    """Create an access on the console's page; its login and secret as the page shows them."""
    page.goto(f"{server.url}/console/accesses")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create the access").click()
    expect(page.get_by_role("status")).to_contain_text(f"Access {name} is created")
    return page.locator("#new-login").inner_text(), page.locator("#new-secret").inner_text()


def logged_console_calls(server: RunningServer, method: str) -> list[tuple[str, str | None]]:
    """The parameters and result summary the API log kept for the console's ``method``."""
    entry = models.ApiLogEntry
    with server.store.core.units.reading() as uow:
        rows = uow.connection.execute(
            select(entry.parameters, entry.result).where(
                entry.api == "console", entry.method == method
            )
        )
        return [(parameters, result) for parameters, result in rows]


def test_an_access_is_created_switched_and_given_a_new_secret(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account(balance="3.00")
    sign_in(page, server, user, password)
    page.get_by_role("link", name="API accesses").click()
    expect(page.get_by_role("heading", name="API accesses")).to_be_visible()
    login, secret = new_access(page, server, "erp")
    expect(page.locator("main")).to_contain_text("it is not shown again")
    assert http_code(server, login, secret) == "OK"

    page.goto(f"{server.url}/console/accesses")
    row = page.get_by_role("row").filter(has_text=login)
    expect(row).to_contain_text("enabled")
    assert secret not in page.content()
    # The own login has no buttons: it cannot be switched off from the console.
    expect(page.get_by_role("row").filter(has_text=user).get_by_role("button")).to_have_count(0)

    row.get_by_role("button", name="Disable erp").click()
    expect(page.get_by_role("status")).to_contain_text("Access erp is disabled")
    assert http_code(server, login, secret) == "ACCESS_DISABLED"
    page.get_by_role("button", name="Enable erp").click()
    assert http_code(server, login, secret) == "OK"

    page.get_by_role("button", name="New secret for erp").click()
    expect(page.get_by_role("status")).to_contain_text("the old one no longer works")
    rotated = page.locator("#new-secret").inner_text()
    assert rotated != secret
    assert http_code(server, login, secret) == "INCORRECT_USER_PASSWORD"
    assert http_code(server, login, rotated) == "OK"

    page.get_by_role("button", name="Revoke for good erp").click()
    expect(page.get_by_role("status")).to_contain_text("Access erp is revoked")
    assert http_code(server, login, rotated) == "ACCESS_DISABLED"
    expect(page.get_by_role("row").filter(has_text=login).get_by_role("button")).to_have_count(0)

    # The API log keeps the access's name, never a secret.
    def logged() -> bool:
        return len(logged_console_calls(server, "rotatesecret")) > 0

    assert eventually(logged)
    for method in ("createaccess", "rotatesecret"):
        for parameters, result in logged_console_calls(server, method):
            assert secret not in parameters and rotated not in parameters
            assert result is None


def test_a_wrong_access_name_is_a_coded_error(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    page.goto(f"{server.url}/console/accesses")
    page.get_by_label("Name").fill("erp")
    page.get_by_role("button", name="Create the access").click()
    page.get_by_label("Name").fill("erp")
    page.get_by_role("button", name="Create the access").click()
    expect(page.get_by_role("alert")).to_contain_text("already has an access called erp")
    assert page.locator("#new-secret").count() == 0


def test_an_access_filter_refuses_and_then_lets_calls_in(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    login, secret = create_access(server.store, user, "shop")
    sign_in(page, server, user, password)
    page.get_by_role("link", name="IP filters").click()
    expect(page.locator("#your-address")).to_have_text("127.0.0.1")
    expect(page.locator("main")).to_contain_text("The filter of the access shop: empty")

    page.get_by_role("textbox", name="Address or network").fill("10.0.0.0/8")
    page.get_by_label("Filter").select_option("shop")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("status")).to_contain_text("10.0.0.0/8 is added to the access shop")
    assert http_code(server, login, secret) == "IP_NOT_ALLOWED"
    assert http_code(server, user, password) == "OK"  # the account's filter is still empty

    page.get_by_role("button", name="Remove 10.0.0.0/8").click()
    expect(page.get_by_role("status")).to_contain_text("It is empty now")
    assert http_code(server, login, secret) == "OK"


def test_an_account_filter_that_leaves_out_the_console_signs_it_out(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    page.goto(f"{server.url}/console/ip-filters")
    page.get_by_role("textbox", name="Address or network").fill("10.0.0.0/8")
    page.get_by_role("button", name="Allow").click()
    # Asked first: nothing is added until the person confirms.
    expect(page.get_by_role("alert")).to_contain_text("leaves out your address 127.0.0.1")
    expect(page.locator("main")).to_contain_text("The account's filter: empty")
    assert http_code(server, user, password) == "OK"
    page.get_by_label("Add it all the same").check()
    page.get_by_role("button", name="Allow").click()
    # The console obeys the filter like any call: the session cannot go on from 127.0.0.1.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("may not be used from your address")
    assert http_code(server, user, password) == "IP_NOT_ALLOWED"

    # The operator removes it; calls and the console let the account in again.
    assert run(server.store, "ip", "deny", user, "10.0.0.0/8").returncode == 0
    assert http_code(server, user, password) == "OK"
    sign_in(page, server, user, password)


def test_a_network_that_holds_the_console_address_needs_no_confirmation(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    page.goto(f"{server.url}/console/ip-filters")
    page.get_by_role("textbox", name="Address or network").fill("127.0.0.0/8")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("status")).to_contain_text("127.0.0.0/8 is added to the account's")
    assert http_code(server, user, password) == "OK"
    page.get_by_role("button", name="Remove 127.0.0.0/8").click()
    expect(page.get_by_role("status")).to_contain_text("It is empty now")


def test_a_network_that_is_not_one_is_a_coded_error(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    page.goto(f"{server.url}/console/ip-filters")
    page.get_by_role("textbox", name="Address or network").fill("10.0.0.0/33")
    page.get_by_role("button", name="Allow").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("not an IP address or network")
    expect(page.locator("main")).to_contain_text("The account's filter: empty")


def test_connections_show_an_access_last_use_and_its_calls(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account()
    login, secret = create_access(server.store, user, "crm")
    assert http_code(server, login, secret) == "OK"
    sign_in(page, server, user, password)
    page.get_by_role("link", name="Connections").click()
    row = page.locator("table.connections tbody tr").filter(has_text="crm")

    def tracked() -> bool:
        page.reload()
        return "getbalance" in row.inner_text()

    assert eventually(tracked)
    expect(row).to_contain_text("127.0.0.1")
    expect(row).to_contain_text("http")
    calls = page.locator("table.usage tbody tr").filter(has_text="crm")
    expect(calls).to_contain_text("getbalance")
    expect(calls.locator("td").last).to_have_text("1")


def test_a_password_change_ends_the_other_sessions(
    page: Page, browser: Browser, server: RunningServer
) -> None:
    user, password = server.store.account()
    other = browser.new_context()
    try:
        elsewhere = other.new_page()
        sign_in(elsewhere, server, user, password)
        sign_in(page, server, user, password)
        page.get_by_role("link", name="Password").click()

        page.get_by_label("Current password").fill("not-the-password")
        page.get_by_label("New password (8").fill("a-new-password")
        page.get_by_label("New password again").fill("a-new-password")
        page.get_by_role("button", name="Change the password").click()
        expect(page.get_by_role("alert")).to_contain_text("the current password is not right")

        page.get_by_label("Current password").fill(password)
        page.get_by_label("New password (8").fill("a-new-password")
        page.get_by_label("New password again").fill("a-new-password")
        page.get_by_role("button", name="Change the password").click()
        expect(page.get_by_role("status")).to_contain_text("Every other session")

        page.get_by_role("link", name="Channels").click()
        expect(page.get_by_role("heading", name="Channels")).to_be_visible()
        elsewhere.goto(f"{server.url}/console/channels")
        expect(elsewhere.get_by_role("heading", name="Sign in")).to_be_visible()
        assert http_code(server, user, password) == "INCORRECT_USER_PASSWORD"
        assert http_code(server, user, "a-new-password") == "OK"
    finally:
        other.close()


@pytest.fixture(scope="module")
def strict(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server that blocks an account's login from an address after a third failure."""
    server = start_server(
        store,
        tmp_path_factory.mktemp("strict") / "server.log",
        {"USERAPI_THROTTLE_ACCOUNT_FAILURES": "2"},
    )
    yield server
    stop_server(server)


def test_guessing_the_current_password_is_throttled(strict: RunningServer) -> None:
    user, password = strict.store.account()
    session = http_sign_in(strict, user, password)
    url = f"{strict.url}/console/password"

    def change(current: str) -> requests.Response:
        token = form_token(session.get(url, timeout=10).text)
        fields = {"password": current, "newpassword": "a-new-password", "repeat": "a-new-password"}
        return session.post(url, data={"csrf": token, **fields}, timeout=10)

    for guess in ("guess-one", "guess-two", "guess-three"):
        assert change(guess).status_code == 422
    blocked = change(password)
    assert blocked.status_code == 429 and "TOO_MANY_ATTEMPTS" in blocked.text
    assert http_code(strict, user, password) == "TOO_MANY_ATTEMPTS"


def test_an_access_login_sees_its_connections_but_not_the_tools(
    page: Page, server: RunningServer
) -> None:
    user, _ = server.store.account()
    login, secret = create_access(server.store, user, "pos")
    create_access(server.store, user, "other")
    sign_in(page, server, login, secret)
    nav = page.get_by_role("navigation", name="Console")
    expect(nav.get_by_role("link", name="Connections")).to_be_visible()
    for owners in ("API accesses", "IP filters", "Password"):
        expect(nav.get_by_role("link", name=owners)).to_have_count(0)
    page.get_by_role("link", name="Connections").click()
    expect(page.locator("table.connections tbody tr")).to_have_count(1)
    expect(page.locator("table.connections tbody tr")).to_contain_text("pos")

    for path in ("accesses", "ip-filters", "password"):
        answer = page.goto(f"{server.url}/console/{path}")
        assert answer is not None and answer.status == 403
        expect(page.get_by_role("alert")).to_contain_text("only the account's own login")

    # Its own session's form token, on a form its pages never offer: refused by the action.
    session = http_sign_in(server, login, secret)
    token = form_token(session.get(f"{server.url}/console/connections", timeout=10).text)
    refused = session.post(
        f"{server.url}/console/accesses", data={"csrf": token, "name": "sneaky"}, timeout=10
    )
    assert refused.status_code == 403 and "ACTION_REFUSED" not in refused.text
    assert "only the account&#39;s own login" in refused.text
    assert "sneaky" not in run(server.store, "access", "list", user).stdout


def test_a_forged_cross_site_post_creates_no_access(server: RunningServer) -> None:
    user, password = server.store.account()
    session = http_sign_in(server, user, password)
    for headers in ({}, {"Sec-Fetch-Site": "cross-site"}):
        forged = session.post(
            f"{server.url}/console/accesses",
            data={"name": "forged"},
            headers=headers,
            allow_redirects=False,
            timeout=10,
        )
        assert forged.status_code == 403
        assert "<h1>Refused</h1>" in forged.text
    assert "forged" not in run(server.store, "access", "list", user).stdout
    signed_out = requests.get(f"{server.url}/console/accesses", allow_redirects=False, timeout=10)
    assert signed_out.status_code == 303
