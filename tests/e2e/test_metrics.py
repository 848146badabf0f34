"""``/metrics``: the server's figures, summed over its workers, on either engine."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import envelope, fields, post
from tests.e2e.test_worker_faults import worker_pids

WORKERS = 2


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition ``text`` (0 when it is not there)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        found = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if found and found.group(1) == name:
            given = ",".join(sorted((found.group(2) or "").split(","))) if labels else ""
            if given == wanted:
                return float(found.group(3))
    return 0.0


def scrape(server: RunningServer) -> str:
    response = requests.get(f"{server.url}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


@pytest.fixture(params=["granian", "gunicorn"])
def engine_server(
    request: pytest.FixtureRequest, store: Store, tmp_path_factory: pytest.TempPathFactory
) -> RunningServer:
    log = tmp_path_factory.mktemp("metrics") / "server.log"
    server = start_server(store, log, workers=WORKERS, extra_args=("--engine", request.param))
    request.addfinalizer(lambda: stop_server(server))
    return server


def test_calls_are_counted_by_api_method_and_outcome(
    engine_server: RunningServer, store: Store
) -> None:
    user, password = store.account(balance="3.50")
    before = scrape(engine_server)
    calls = 12  # over fresh connections: both workers serve some
    for _ in range(calls):
        post(engine_server.soap_url, envelope("getbalance", fields(user=user, password=password)))
    post(engine_server.soap_url, envelope("getbalance", fields(user=user, password="wrong-pw")))
    post(engine_server.soap_url, envelope("no_such_method_" + "x" * 40, fields(user=user)))
    assert requests.get(f"{engine_server.soap_url}?wsdl", timeout=10).status_code == 200
    success = {"api": "soap11", "method": "getbalance", "outcome": "SUCCESS"}
    refused = {"api": "soap11", "method": "getbalance", "outcome": "INCORRECT_USER_PASSWORD"}
    unknown = {"api": "soap11", "method": "other", "outcome": "INCORRECT_METHOD"}
    wsdl = {"api": "soap11", "method": "wsdl", "outcome": "SUCCESS"}
    name = "usermanagement_requests_total"
    # Each worker writes its counts every half second, and any worker's
    # answer sums them all.
    deadline = time.monotonic() + 2.0  # a generous bound on a loaded machine
    while True:
        after = scrape(engine_server)
        counted = [
            sample(after, name, **labels) - sample(before, name, **labels)
            for labels in (success, refused, unknown, wsdl)
        ]
        if counted == [calls, 1, 1, 1] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert counted == [calls, 1, 1, 1]
    # A caller's method name never becomes a label.
    assert "no_such_method" not in after
    assert sample(after, "usermanagement_request_duration_seconds_count", api="soap11") >= calls
    for metric in (
        "usermanagement_api_log_pending",
        "usermanagement_api_log_dropped_total",
        "usermanagement_database_errors_total",
        "usermanagement_throttle_blocks_total",
    ):
        # Each is there from the start, at 0 until something happens.
        assert re.search(rf"^{metric}(\{{.*\}})? \d", after, re.M), metric


@pytest.mark.parametrize("event", ["kill -9 a worker", "reload (HUP)"])
def test_counts_outlive_the_workers_that_made_them(
    engine_server: RunningServer, store: Store, event: str
) -> None:
    user, password = store.account()
    for _ in range(8):
        post(engine_server.soap_url, envelope("getchannels", fields(user=user, password=password)))
    labels = {"api": "soap11", "method": "getchannels", "outcome": "SUCCESS"}
    deadline = time.monotonic() + 2.0  # each worker writes its counts every half second
    while (
        counted := sample(scrape(engine_server), "usermanagement_requests_total", **labels)
    ) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counted == 8
    master = engine_server.process.pid
    if event == "reload (HUP)":
        gone = set(worker_pids(master))
        os.kill(master, signal.SIGHUP)
    else:
        gone = {worker_pids(master)[0]}
        os.kill(min(gone), signal.SIGKILL)
    # Until those workers have been replaced.
    deadline = time.monotonic() + 30
    while (
        gone & set(worker_pids(master)) or len(worker_pids(master)) < WORKERS
    ) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not gone & set(worker_pids(master))
    assert sample(scrape(engine_server), "usermanagement_requests_total", **labels) == counted
