"""Self sign-up: on its own server with USERAPI_SIGNUP=1, and absent from the shared one.

The sign-up server trusts the loopback proxy, so each test comes from an
address of its own (X-Forwarded-For): sign-ups count against the source address
like failed logins, and the throttling test's small limit must not catch the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server

from .conftest import form_token, sign_in

# Sign-ups one address may make before it is blocked (the attempt past it still counts).
LIMIT = 3


@pytest.fixture(scope="module")
def signup_server(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A server with sign-up on and a small limit of failures per address."""
    running = start_server(
        store,
        tmp_path_factory.mktemp("signup") / "server.log",
        extra_env={
            "USERAPI_SIGNUP": "1",
            "USERAPI_THROTTLE_ADDRESS_FAILURES": str(LIMIT),
            "USERAPI_TRUSTED_PROXIES": "127.0.0.1/32",
        },
    )
    yield running
    stop_server(running)


def new_email() -> str:
    return f"signup-{uuid.uuid4().hex[:12]}@example.com"


def from_address(context: BrowserContext, source: str) -> Page:
    """A tab whose requests come from ``source`` as the server sees it."""
    context.set_extra_http_headers({"X-Forwarded-For": source})
    return context.new_page()


def fill_signup(tab: Page, server: RunningServer, email: str, password: str, repeat: str) -> None:
    tab.goto(f"{server.url}/console/signup")
    tab.get_by_label("E-mail").fill(email)
    tab.get_by_label("Password", exact=True).fill(password)
    tab.get_by_label("Password again").fill(repeat)
    tab.get_by_role("button", name="Sign up").click()


def http_signup(server: RunningServer, source: str, email: str, password: str) -> requests.Response:
    """One sign-up without a browser, from ``source``."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = source
    token = form_token(session.get(f"{server.url}/console/signup", timeout=10).text)
    return session.post(
        f"{server.url}/console/signup",
        data={"csrf": token, "user": email, "password": password, "repeat": password},
        allow_redirects=False,
        timeout=10,
    )


def balance(server: RunningServer, source: str, user: str, password: str) -> str:
    """getbalance over the HTTP API from ``source``: the balance, or the error's code."""
    answer = requests.get(
        f"{server.url}/api/http/",
        params={"class": "user", "method": "getbalance", "user": user, "password": password},
        headers={"X-Forwarded-For": source},
        timeout=10,
    ).json()
    return str(answer["result"]["balance"] if answer["status"] == "SUCCESS" else answer["error"])


def test_sign_up_then_sign_in_with_balance_zero(
    browser_context: BrowserContext, signup_server: RunningServer
) -> None:
    tab = from_address(browser_context, "198.18.7.1")
    tab.goto(f"{signup_server.url}/console/")
    tab.get_by_role("link", name="Sign up").click()
    expect(tab.get_by_role("heading", name="Sign up")).to_be_visible()
    email, password = new_email(), "a long enough password"
    fill_signup(tab, signup_server, email, password, password)
    expect(tab.get_by_role("status")).to_contain_text("Your account is open")
    expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()

    sign_in(tab, signup_server, email, password)
    expect(tab.locator("#balance")).to_have_text("0.00")
    assert balance(signup_server, "198.18.7.1", email, password) == "0.00"


def test_a_taken_email_is_refused(
    browser_context: BrowserContext, signup_server: RunningServer
) -> None:
    tab = from_address(browser_context, "198.18.7.2")
    taken, _ = signup_server.store.account()
    fill_signup(tab, signup_server, taken, "another password", "another password")
    expect(tab.get_by_role("alert")).to_contain_text("already exists")
    expect(tab.get_by_role("heading", name="Sign up")).to_be_visible()


def test_a_short_password_is_refused(
    browser_context: BrowserContext, signup_server: RunningServer
) -> None:
    tab = from_address(browser_context, "198.18.7.3")
    email = new_email()
    fill_signup(tab, signup_server, email, "short", "short")
    expect(tab.get_by_role("alert")).to_contain_text("8 to 256 characters")
    expect(tab.get_by_label("E-mail")).to_have_value(email)
    assert balance(signup_server, "198.18.7.3", email, "short") == "INCORRECT_USER_PASSWORD"


def test_passwords_that_differ_are_refused(
    browser_context: BrowserContext, signup_server: RunningServer
) -> None:
    tab = from_address(browser_context, "198.18.7.4")
    email = new_email()
    fill_signup(tab, signup_server, email, "first password", "second password")
    expect(tab.get_by_role("alert")).to_contain_text("The passwords differ")
    assert (
        balance(signup_server, "198.18.7.4", email, "first password") == "INCORRECT_USER_PASSWORD"
    )


def test_one_address_is_blocked_after_the_limit(signup_server: RunningServer) -> None:
    source = "198.18.7.5"
    # Like failed logins: the attempt that goes past the limit is still served.
    for _ in range(LIMIT + 1):
        answer = http_signup(signup_server, source, new_email(), "a good password")
        assert answer.status_code == 303, answer.text[:500]
    refused = new_email()
    answer = http_signup(signup_server, source, refused, "a good password")
    assert answer.status_code == 429
    assert "TOO_MANY_ATTEMPTS" in answer.text
    assert int(answer.headers["Retry-After"]) >= 1
    assert (
        balance(signup_server, "198.18.7.6", refused, "a good password")
        == "INCORRECT_USER_PASSWORD"
    )
    # Another address is not blocked.
    assert (
        http_signup(signup_server, "198.18.7.7", new_email(), "a good password").status_code == 303
    )


def test_without_the_setting_there_is_no_sign_up(server: RunningServer) -> None:
    assert requests.get(f"{server.url}/console/signup", timeout=10).status_code == 404
    assert requests.post(f"{server.url}/console/signup", timeout=10).status_code == 404
    signin = requests.get(f"{server.url}/console/", timeout=10)
    assert signin.status_code == 200
    assert "/console/signup" not in signin.text
