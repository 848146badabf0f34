"""The console's rules at the HTTP level, without a browser: headers, cookies, form tokens,
routing, and what the API log keeps of console changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from service.application.apilog import log_entries
from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server

from .conftest import eventually, form_token, http_sign_in

TIMEOUT = 10


@pytest.fixture(scope="module")
def proxied(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server behind a trusted proxy on loopback, which says whether the client used HTTPS."""
    running = start_server(
        store,
        tmp_path_factory.mktemp("proxied") / "server.log",
        extra_env={"USERAPI_TRUSTED_PROXIES": "127.0.0.1/32"},
    )
    yield running
    stop_server(running)


def set_cookies(answer: requests.Response) -> dict[str, list[str]]:
    """The answer's Set-Cookie headers: cookie name -> its attributes, as sent."""
    found = {}
    for header in answer.raw.headers.getlist("Set-Cookie"):
        name_value, *attributes = (part.strip() for part in header.split(";"))
        found[name_value.partition("=")[0]] = attributes
    return found


def security_headers_missing(answer: requests.Response) -> list[str]:
    """What of the console's security headers ``answer`` lacks."""
    policy = answer.headers.get("Content-Security-Policy", "")
    checks = {
        "frame-ancestors 'none'": "frame-ancestors 'none'" in policy,
        "default-src 'none'": "default-src 'none'" in policy,
        "no unsafe-inline": "unsafe-inline" not in policy and "unsafe-eval" not in policy,
        "X-Frame-Options": answer.headers.get("X-Frame-Options") == "DENY",
        "nosniff": answer.headers.get("X-Content-Type-Options") == "nosniff",
    }
    return [name for name, present in checks.items() if not present]


# Headers


def test_every_console_answer_carries_the_security_headers(server: RunningServer) -> None:
    user, password = server.store.account()
    signed_in = http_sign_in(server, user, password)
    answers = {
        "sign-in page": requests.get(f"{server.url}/console/", timeout=TIMEOUT),
        "balance": signed_in.get(f"{server.url}/console/", timeout=TIMEOUT),
        "API log": signed_in.get(f"{server.url}/console/log", timeout=TIMEOUT),
        "unknown": requests.get(f"{server.url}/console/nowhere", timeout=TIMEOUT),
        "wrong method": requests.delete(f"{server.url}/console/", timeout=TIMEOUT),
        "refused form": requests.post(f"{server.url}/console/login", timeout=TIMEOUT),
        "redirect": signed_in.get(
            f"{server.url}/console/log/x", allow_redirects=False, timeout=TIMEOUT
        ),
        "stylesheet": requests.get(f"{server.url}/console/static/console.css", timeout=TIMEOUT),
    }
    assert {name: security_headers_missing(a) for name, a in answers.items()} == {
        name: [] for name in answers
    }
    for name in ("sign-in page", "balance", "API log", "refused form"):
        assert answers[name].headers["Cache-Control"] == "no-store", name
        assert answers[name].headers["Content-Type"] == "text/html; charset=utf-8", name
    assert answers["stylesheet"].headers["Cache-Control"].startswith("public")


# Cookies


def test_cookies_are_http_only_same_site_lax_for_the_console_only(server: RunningServer) -> None:
    user, password = server.store.account()
    session = requests.Session()
    page = session.get(f"{server.url}/console/", timeout=TIMEOUT)
    signed_in = session.post(
        f"{server.url}/console/login",
        data={"csrf": form_token(page.text), "user": user, "password": password},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert signed_in.status_code == 303
    for answer, name in ((page, "userapi_signin"), (signed_in, "userapi_session")):
        attributes = set_cookies(answer)[name]
        assert {"HttpOnly", "SameSite=Lax", "Path=/console/"} <= set(attributes)
        assert "Secure" not in attributes  # plain HTTP: a Secure cookie would not come back


def test_cookies_are_secure_when_the_client_used_https(proxied: RunningServer) -> None:
    user, password = proxied.store.account()
    over_https = {"X-Forwarded-Proto": "https"}
    page = requests.get(f"{proxied.url}/console/", headers=over_https, timeout=TIMEOUT)
    assert "Secure" in set_cookies(page)["userapi_signin"]
    # The test talks plain HTTP to the server, so it sends the Secure cookie back itself.
    signed_in = requests.post(
        f"{proxied.url}/console/login",
        data={"csrf": form_token(page.text), "user": user, "password": password},
        headers=over_https,
        cookies={"userapi_signin": page.cookies["userapi_signin"]},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert signed_in.status_code == 303
    assert "Secure" in set_cookies(signed_in)["userapi_session"]
    plain = requests.get(f"{proxied.url}/console/", timeout=TIMEOUT)
    assert "Secure" not in set_cookies(plain)["userapi_signin"]


# Form tokens


def change_channel(
    session: requests.Session,
    server: RunningServer,
    csrf: str | None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """Switch the sms channel off from the console, with the form token ``csrf``."""
    form = {"channelname": "sms", "active": "0"}
    if csrf is not None:
        form["csrf"] = csrf
    return session.post(
        f"{server.url}/console/channels", data=form, headers=headers, timeout=TIMEOUT
    )


def channels_page_token(session: requests.Session, server: RunningServer) -> str:
    return form_token(session.get(f"{server.url}/console/channels", timeout=TIMEOUT).text)


def sms_active(server: RunningServer, user: str, password: str) -> bool:
    """Whether the account's sms channel is on, asked over the HTTP API."""
    answer = requests.get(
        f"{server.url}/api/http/",
        params={"class": "user", "method": "getchannels", "user": user, "password": password},
        timeout=TIMEOUT,
    ).json()
    return any(
        c["channelname"] == "sms" and int(c["active"]) == 1 for c in answer["result"]["list"]
    )


def test_a_change_without_its_form_token_is_refused(server: RunningServer) -> None:
    user, password = server.store.account()
    session = http_sign_in(server, user, password)
    assert change_channel(session, server, None).status_code == 403
    assert change_channel(session, server, "").status_code == 403
    assert change_channel(session, server, "forged").status_code == 403
    assert sms_active(server, user, password)
    assert change_channel(session, server, channels_page_token(session, server)).status_code == 200
    assert not sms_active(server, user, password)


def test_a_change_sent_from_another_site_is_refused(server: RunningServer) -> None:
    user, password = server.store.account()
    session = http_sign_in(server, user, password)
    token = channels_page_token(session, server)
    answer = change_channel(session, server, token, {"Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403
    assert sms_active(server, user, password)
    for origin in ("http://evil.example", "null", f"{server.url}.evil.example", "garbage"):
        answer = change_channel(session, server, token, {"Origin": origin})
        assert answer.status_code == 403, origin
    assert sms_active(server, user, password)
    same_site = change_channel(
        session, server, token, {"Sec-Fetch-Site": "same-origin", "Origin": server.url}
    )
    assert same_site.status_code == 200


def test_a_form_token_of_another_session_is_refused(server: RunningServer) -> None:
    user, password = server.store.account()
    mine = http_sign_in(server, user, password)
    other = http_sign_in(server, user, password)  # the same account, another session
    assert change_channel(mine, server, channels_page_token(other, server)).status_code == 403
    assert sms_active(server, user, password)


def test_a_sign_in_without_its_form_token_is_refused(server: RunningServer) -> None:
    user, password = server.store.account()
    session = requests.Session()
    session.get(f"{server.url}/console/", timeout=TIMEOUT)  # holds a sign-in cookie
    answer = session.post(
        f"{server.url}/console/login",
        data={"user": user, "password": password},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 403
    assert "userapi_session" not in set_cookies(answer)


# Routing


def test_the_service_root_leads_to_the_console(server: RunningServer) -> None:
    answer = requests.get(f"{server.url}/", allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"] == "/console/"


def test_unknown_paths_and_wrong_methods(server: RunningServer) -> None:
    assert requests.get(f"{server.url}/console/nowhere", timeout=TIMEOUT).status_code == 404
    assert requests.get(f"{server.url}/console/static/nope.css", timeout=TIMEOUT).status_code == 404
    assert requests.get(f"{server.url}/console/logout", timeout=TIMEOUT).status_code == 405
    assert requests.put(f"{server.url}/console/", timeout=TIMEOUT).status_code == 405


def test_head_answers_like_get_without_a_body(server: RunningServer) -> None:
    for path in ("/console/", "/console/static/console.css"):
        got = requests.get(f"{server.url}{path}", timeout=TIMEOUT)
        head = requests.head(f"{server.url}{path}", timeout=TIMEOUT)
        assert head.status_code == got.status_code == 200
        assert head.content == b""
        assert head.headers["Content-Type"] == got.headers["Content-Type"]
        assert int(head.headers["Content-Length"]) > 0


# The API log


def test_a_cursor_past_the_largest_entry_id_is_a_page(server: RunningServer) -> None:
    user, password = server.store.account()
    session = http_sign_in(server, user, password)
    cursor = "2026-01-01T00:00:00+00:00_999999999999999999"  # ids are 32-bit on PostgreSQL
    page = session.get(f"{server.url}/console/log", params={"before": cursor}, timeout=TIMEOUT)
    assert page.status_code == 200
    assert "No request matches" in page.text


def test_console_changes_are_logged_without_the_password(server: RunningServer) -> None:
    user, password = server.store.account()
    wrong = "not-the-password-" + password
    session = requests.Session()
    page = session.get(f"{server.url}/console/", timeout=TIMEOUT)
    session.post(
        f"{server.url}/console/login",
        data={"csrf": form_token(page.text), "user": user, "password": wrong},
        timeout=TIMEOUT,
    )
    session = http_sign_in(server, user, password)
    assert change_channel(session, server, channels_page_token(session, server)).status_code == 200

    def console_entries() -> list[dict[str, Any]]:
        """The account's console entries, and the sign-ins that named it (a failed one has
        no account)."""
        found = log_entries(server.store.core.units, api="console", limit=100)
        mine = {e["id"] for e in log_entries(server.store.core.units, account=user, limit=100)}
        return [e for e in found if e["id"] in mine or e["parameters"].get("user") == user]

    assert eventually(lambda: len(console_entries()) >= 3)
    entries = console_entries()
    assert [(e["method"], e["error_code"]) for e in entries] == [
        ("modifychannel", None),
        ("signin", None),
        ("signin", "INCORRECT_USER_PASSWORD"),
    ]
    assert entries[0]["parameters"] == {"channelname": "sms", "active": "0"}
    redacted = {"user": user, "password": "[redacted]"}
    assert entries[1]["parameters"] == entries[2]["parameters"] == redacted
    everything = json.dumps(log_entries(server.store.core.units, limit=500), default=str)
    assert password not in everything and wrong not in everything
    assert "csrf" not in everything
