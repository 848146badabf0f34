"""Signing in and out of the console in a real browser, the balance and the API log."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from service.console.request import SESSION_COOKIE
from service.store import models
from tests.e2e.conftest import RunningServer
from tests.tcp_proxy import free_port

from .conftest import eventually, sign_in


def test_sign_in_shows_the_balance_and_the_api_log_shows_an_http_call(
    page: Page, server: RunningServer
) -> None:
    user, password = server.store.account(balance="42.50")
    answer = requests.get(
        f"{server.url}/api/http/",
        params={"class": "user", "method": "getbalance", "user": user, "password": password},
        timeout=10,
    )
    assert answer.json() == {"status": "SUCCESS", "result": {"balance": "42.50"}}

    sign_in(page, server, user, password)
    expect(page.locator("#balance")).to_have_text("42.50")

    page.get_by_role("link", name="API log").click()
    expect(page.get_by_role("heading", name="API log")).to_be_visible()

    def http_call_listed() -> bool:
        page.reload()
        rows = page.locator("table.log tbody tr")
        return rows.filter(has_text="getbalance").filter(has_text="http").count() > 0

    assert eventually(http_call_listed)
    page.locator("table.log tbody tr").filter(has_text="http").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Parameters, as logged")).to_be_visible()
    expect(page.locator("dl.pairs").first).to_contain_text(user)
    expect(page.locator("main")).to_contain_text("42.50")  # the answer's summary
    # The password is never logged.
    assert password not in page.content()


def test_the_api_log_keeps_no_session_token(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    entry = models.ApiLogEntry
    query = select(entry.parameters, entry.result).where(
        entry.api == "console", entry.method == "signin", entry.parameters.contains(user)
    )

    def signins() -> list[tuple[str, str | None]]:
        with server.store.core.units.reading() as uow:
            return [(parameters, result) for parameters, result in uow.connection.execute(query)]

    assert eventually(lambda: len(signins()) == 1)
    assert all(token not in parameters and result is None for parameters, result in signins())


def test_a_wrong_password_is_refused_on_the_form(page: Page, server: RunningServer) -> None:
    user, _ = server.store.account()
    page.goto(f"{server.url}/console/")
    page.get_by_label("E-mail or access login").fill(user)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("INCORRECT_USER_PASSWORD")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_sign_out_ends_the_session(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{server.url}/console/log")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_an_idle_session_has_ended(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    sessions = models.ConsoleSession
    with server.store.core.units.writing() as uow:
        uow.session.execute(
            update(sessions)
            .where(sessions.login == user)
            .values(last_seen_at=datetime.now(UTC) - timedelta(days=1))
        )
        uow.commit()
    page.goto(f"{server.url}/console/channels")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("session has ended")


class _Forger(BaseHTTPRequestHandler):
    """Another site's page that posts a sign-in form to the console."""

    target = ""

    def do_GET(self) -> None:
        body = (
            f'<form method="post" action="{self.target}">'
            '<input name="user" value="victim@example.com">'
            '<input name="password" value="guessed">'
            '<button type="submit">Win a prize</button></form>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def forger(server: RunningServer) -> Iterator[str]:
    """The forging page's URL, on another site (``localhost`` against ``127.0.0.1``)."""
    handler = type("Forger", (_Forger,), {"target": f"{server.url}/console/login"})
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_forged_cross_site_sign_in_is_refused(
    page: Page, server: RunningServer, forger: str
) -> None:
    user, password = server.store.account()
    page.goto(f"{server.url}/console/")  # the browser holds the console's sign-in cookie
    page.goto(forger)
    page.fill("input[name=password]", password)
    page.fill("input[name=user]", user)
    with page.expect_navigation():
        page.get_by_role("button", name="Win a prize").click()
    expect(page.get_by_role("heading", name="Refused")).to_be_visible()
    page.goto(f"{server.url}/console/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_stored_script_is_shown_as_text(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    script = "<script>document.title='owned'</script><b id=bold>bold</b>"
    requests.get(
        f"{server.url}/api/http/",
        params={"class": "user", "method": "getbalance", "user": user, "password": password},
        headers={"User-Agent": script},
        timeout=10,
    )
    sign_in(page, server, user, password)
    page.goto(f"{server.url}/console/log?api=http")
    assert eventually(lambda: page.reload() is not None and page.locator("table.log a").count() > 0)
    page.locator("table.log a").first.click()
    expect(page.locator("main")).to_contain_text(script)
    assert page.locator("#bold").count() == 0
    assert page.title() != "owned"


def test_switching_a_channel_off_shows_in_the_api(page: Page, server: RunningServer) -> None:
    user, password = server.store.account()
    sign_in(page, server, user, password)
    page.get_by_role("link", name="Channels").click()
    page.get_by_role("button", name="Switch off sms").click()
    expect(page.get_by_role("status")).to_contain_text("Channel sms is off")
    answer = requests.get(
        f"{server.url}/api/http/",
        params={"class": "user", "method": "getchannels", "user": user, "password": password},
        timeout=10,
    ).json()
    sms = [c for c in answer["result"]["list"] if c["channelname"] == "sms"]
    assert sms and int(sms[0]["active"]) == 0
