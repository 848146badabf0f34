"""The API log page's filters and paging, and what it does with odd filter values."""

from __future__ import annotations

import re

import requests

from tests.e2e.conftest import RunningServer

from .conftest import eventually, http_sign_in

ENTRY_LINK = re.compile(r'href="/console/log/([0-9]+)"')


def _call(server: RunningServer, user: str, password: str, method: str) -> None:
    requests.get(
        f"{server.url}/api/http/",
        params={"class": "user", "method": method, "user": user, "password": password},
        timeout=10,
    )


def test_the_log_pages_newest_first_and_filters(server: RunningServer) -> None:
    user, password = server.store.account()
    for _ in range(55):
        _call(server, user, password, "getbalance")
    for _ in range(3):
        _call(server, user, password, "deleteaddress")  # MISSING_COMPULSORY_PARAM
    browser = http_sign_in(server, user, password)
    log = f"{server.url}/console/log"

    def listed(query: str) -> list[int]:
        page = browser.get(f"{log}?{query}", timeout=10)
        assert page.status_code == 200, page.text[:300]
        return [int(n) for n in ENTRY_LINK.findall(page.text)]

    def pages(query: str) -> list[list[int]]:
        """Every page, following the "Older requests" links."""
        found, url = [], f"{log}?{query}"
        while url:
            page = browser.get(url, timeout=10).text
            found.append([int(n) for n in ENTRY_LINK.findall(page)])
            older = re.search(r'href="(/console/log\?[^"]+)">Older requests', page)
            url = server.url + older.group(1).replace("&amp;", "&") if older else ""
        return found

    # Each worker writes its records in batches: wait for all 58, then page through them.
    assert eventually(lambda: sum(map(len, pages("api=http"))) == 58)
    first, second = pages("api=http")
    assert len(first) == 50 and len(second) == 8 and not set(first) & set(second)
    assert len(listed("api=http&outcome=MISSING_COMPULSORY_PARAM")) == 3
    assert len(listed("api=http&outcome=ERROR")) == 3
    assert len(listed("api=http&outcome=SUCCESS&method=getbalance")) == 50
    assert listed("api=soap11") == []
    assert listed("source_ip=192.0.2.1") == []
    assert len(listed("api=http&since=2000-01-01T00:00&until=2999-01-01T00:00")) == 50


def test_odd_filter_values_are_named_not_failed(server: RunningServer) -> None:
    user, password = server.store.account()
    browser = http_sign_in(server, user, password)
    log = f"{server.url}/console/log"
    for query, problem in (
        ("since=yesterday", "since: not a time"),
        ("before=2026-01-01T00:00:00%2B00:00_1234567890123456789012", "before: not a time"),
        ("api=%3Cscript%3E", "api: unknown"),
        ("outcome=DROP%20TABLE", "outcome: unknown"),
        ("source_ip=999.1.1.1", "source address: not an IP address"),
    ):
        page = browser.get(f"{log}?{query}", timeout=10)
        assert page.status_code == 400 and problem in page.text, query
        assert "<script>" not in page.text
    assert browser.get(f"{log}/999999999999999999", timeout=10).status_code == 404
    assert browser.get(f"{log}/x", timeout=10).status_code == 404
    assert browser.get(f"{log}?api=http&api=soap11", timeout=10).status_code == 400
