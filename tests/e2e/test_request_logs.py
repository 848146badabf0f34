"""One JSON line per request on stderr, with the caller's request id and trace kept."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import envelope, fields, post
from tests.e2e.test_api_log import logged

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE}-00f067aa0ba902b7-01"


def request_lines(server: RunningServer, request_id: str) -> list[dict[str, Any]]:
    """The request lines the server wrote for ``request_id`` (waiting a moment for them)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [
            json.loads(line)
            for line in server.log_text().splitlines()
            if line.startswith("{") and f'"request_id": "{request_id}"' in line
        ]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_a_request_is_one_line_with_the_caller_s_id_and_trace(
    store: Store, server: RunningServer
) -> None:
    user, password = store.account("1.00", password="Line-canary-4f1c")
    request_id = f"caller-{uuid.uuid4().hex}.1"
    agent = f"request-log-{uuid.uuid4().hex}"
    body = envelope("getbalance", fields(user=user, password=password))
    headers = {"X-Request-Id": request_id, "traceparent": TRACEPARENT, "User-Agent": agent}
    response = post(server.soap_url, body, **headers)
    assert response.status_code == 200
    assert response.headers["X-Request-Id"] == request_id
    assert response.headers["traceparent"] == TRACEPARENT
    (line,) = request_lines(server, request_id)
    assert line.pop("time").endswith("Z")
    assert isinstance(line.pop("duration_ms"), float)
    assert isinstance(line.pop("account_id"), int)
    assert line == {
        "level": "INFO",
        "logger": "service.request",
        "request_id": request_id,
        "api": "soap11",
        "method": "getbalance",
        "outcome": "SUCCESS",
        "status": 200,
        "client": "127.0.0.1",
        "trace_id": TRACE,
    }
    # Never the credentials, nor any parameter.
    text = server.log_text()
    assert "Line-canary-4f1c" not in text and user not in text
    # The API log keeps the same id.
    (record,) = logged(store, agent, 1)
    assert record["request_id"] == request_id


@pytest.mark.parametrize(
    ("sent_id", "sent_trace"),
    [
        ("has space", "00-xyz-00f067aa0ba902b7-01"),
        ("x" * 65, f"00-{'0' * 32}-00f067aa0ba902b7-01"),  # the all-zero trace is invalid
        ('quote"s\n{}', TRACEPARENT.upper()),
    ],
)
def test_a_malformed_id_or_trace_is_replaced_not_kept(
    server: RunningServer, sent_id: str, sent_trace: str
) -> None:
    response = requests.get(
        f"{server.url}/api/http/?class=user&method=getbalance&user=nobody@example.com",
        headers={"X-Request-Id": sent_id.replace("\n", " "), "traceparent": sent_trace},
        timeout=10,
    )
    given = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", given)
    assert "traceparent" not in response.headers
    (line,) = request_lines(server, given)
    assert line["outcome"] != "SUCCESS" and "trace_id" not in line


def test_warning_turns_the_request_lines_off(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = tmp_path_factory.mktemp("quiet") / "server.log"
    server = start_server(store, log, {"USERAPI_LOG_LEVEL": "WARNING"}, workers=1)
    try:
        response = requests.get(f"{server.url}/api/http/?class=user&method=getbalance", timeout=10)
        assert response.status_code == 200
        time.sleep(0.3)
    finally:
        stop_server(server)
    assert '"logger": "service.request"' not in server.log_text()
