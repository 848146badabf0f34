"""Timing tells nothing about which accounts exist (production Argon2 cost, real server)."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.soap import envelope, fields, post, raw_fault
from tests.e2e.test_cli import run

# The packaged defaults (settings.py), which the rest of the suite lowers.
PRODUCTION_ARGON2 = {
    "USERAPI_ARGON2_TIME_COST": "3",
    "USERAPI_ARGON2_MEMORY_KIB": "65536",
    "USERAPI_ARGON2_PARALLELISM": "4",
}
SAMPLES = 15


@pytest.fixture(scope="module")
def costly(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(
        store, tmp_path_factory.mktemp("timing") / "server.log", PRODUCTION_ARGON2, workers=1
    )
    yield server
    stop_server(server)


def timed_failure(server: RunningServer, user: str) -> float:
    """Seconds a getbalance with a wrong password takes; it must fail as a wrong login."""
    body = envelope("getbalance", fields(user=user, password="not-the-password"))
    started = time.perf_counter()
    response = post(server.soap_url, body)
    elapsed = time.perf_counter() - started
    assert raw_fault(response)[2] == "INCORRECT_USER_PASSWORD"
    return elapsed


@pytest.mark.slow
def test_unknown_user_takes_as_long_as_a_wrong_password(
    store: Store, costly: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    known = f"timing-{uuid.uuid4().hex[:8]}@example.com"
    created = run(
        store, "account", "create", known, "--password", "right-pw-1", **PRODUCTION_ARGON2
    )
    assert created.returncode == 0, created.stderr
    wrong_password: list[float] = []
    unknown_user: list[float] = []
    for sample in range(SAMPLES + 2):  # the first two of each warm the worker up
        wrong = timed_failure(costly, known)
        unknown = timed_failure(costly, f"nobody-{uuid.uuid4().hex[:8]}@example.com")
        if sample >= 2:
            wrong_password.append(wrong)
            unknown_user.append(unknown)
    wrong_median, unknown_median = (
        statistics.median(wrong_password),
        statistics.median(unknown_user),
    )
    ratio = unknown_median / wrong_median
    with capsys.disabled():
        print(
            f"\nlogin timing on {store.name}, {SAMPLES} samples each: wrong password median"
            f" {wrong_median * 1000:.1f} ms, unknown user median {unknown_median * 1000:.1f} ms,"
            f" ratio {ratio:.3f}"
        )
    # No speed assertion: only that the two cost the same order of work (a skipped
    # verification made the unknown user about 40 times cheaper).
    assert 0.5 < ratio < 2
