"""Many clients writing at once through several workers: every acknowledged write lands once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import Store
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.e2e.http import http_call, outcome
from tests.e2e.test_soap_operations import address_params

CLIENTS, WORKERS, ROUNDS = 32, 4, 6


@pytest.fixture(scope="module")
def busy(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(store, tmp_path_factory.mktemp("writers") / "server.log", workers=WORKERS)
    yield server
    stop_server(server)


@pytest.mark.slow
def test_concurrent_writers(store: Store, busy: RunningServer) -> None:
    accounts = [store.account() for _ in range(4)]  # 8 clients share each account
    acknowledged: list[tuple[int, int]] = []  # (account index, idaddress) of every ack
    deleted: list[tuple[int, int]] = []
    failures: Counter[str] = Counter()
    lock = threading.Lock()

    def client(number: int) -> None:
        index = number % len(accounts)
        user, password = accounts[index]
        auth = {"user": user, "password": password}
        for round_ in range(ROUNDS):
            try:
                created = outcome(
                    http_call(busy, "addaddress", {**auth, **address_params()}, how="form")
                )
                if isinstance(created, str):
                    failures[created] += 1
                    continue
                idaddress = created["idaddress"]
                with lock:
                    acknowledged.append((index, idaddress))
                active = round_ % 2
                result = outcome(
                    http_call(
                        busy,
                        "modifychannel",
                        {**auth, "channelname": "sms", "active": active},
                    )
                )
                if result != {}:
                    failures[str(result)] += 1
                if round_ % 3 == 2:
                    result = outcome(
                        http_call(busy, "deleteaddress", {**auth, "idaddress": idaddress})
                    )
                    if result == {}:
                        with lock:
                            deleted.append((index, idaddress))
                    else:
                        failures[str(result)] += 1
            except requests.RequestException as error:
                failures[type(error).__name__] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # Under load a write may be refused with the retryable code, never anything else.
    assert set(failures) <= {"SERVICE_UNAVAILABLE"}, failures
    ids = [idaddress for _, idaddress in acknowledged]
    assert len(ids) == len(set(ids)), "an id was handed out twice"
    for index, (user, password) in enumerate(accounts):
        listed = outcome(http_call(busy, "getaddresses", {"user": user, "password": password}))
        present = {a["id"] for a in listed["list"]}
        mine = {i for n, i in acknowledged if n == index}
        gone = {i for n, i in deleted if n == index}
        assert present == mine - gone  # acknowledged and not deleted: there, exactly once
    assert len(acknowledged) >= CLIENTS * ROUNDS - sum(failures.values())
