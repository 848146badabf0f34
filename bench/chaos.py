"""Chaos run: mixed writes for a fixed time while workers are killed and reloaded.

    .venv/bin/python bench/chaos.py [--seconds 30] [--clients 8]

Uses a throwaway SQLite database, or DATABASE_URL's PostgreSQL when set (give
it a scratch database: the run creates accounts there). Every 3 seconds one
worker is killed with SIGKILL or the master is told to reload (HUP); on
PostgreSQL the service reaches the database through a TCP relay, and every third
event cuts it for two seconds (a database outage). At the end
it checks every account: each acknowledged address that was not deleted must be
there exactly once, and nothing else (a call whose answer was lost with a killed
worker, or that failed with SERVICE_UNAVAILABLE because the database went away
around its commit, may or may not have been done; those are counted apart). Prints one
summary line; exits 1 if a write was lost or invented.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The repository root, for tests.tcp_proxy (shared with the test suite).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from run import Scenario, cli, start, stop
from sqlalchemy.engine import make_url

from tests.tcp_proxy import TcpProxy, free_port

ADDRESS = {
    "namelastname": "Chaos Test",
    "iscompany": "0",
    "documentid": "X1",
    "countrycode": "US",
    "cityid": "5128581",
    "cityname": "New York",
    "zipcode": "10001",
    "address": "1 Main St",
}


# Outcomes after which a write may or may not have been done.
UNSURE = {"ConnectionError", "ReadTimeout", "ChunkedEncodingError", "SERVICE_UNAVAILABLE"}


def call(url: str, method: str, params: dict[str, str]) -> dict:
    response = requests.post(url, data={"class": "user", "method": method, **params}, timeout=10)
    response.raise_for_status()
    return response.json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp}/chaos.sqlite3"),
            "USERAPI_CITY_POPULATION_CUTOFF": "15000",
            "USERAPI_ARGON2_TIME_COST": "1",
            "USERAPI_ARGON2_MEMORY_KIB": "64",
            "USERAPI_ARGON2_PARALLELISM": "1",
            "USERAPI_LOG_LEVEL": "WARNING",
        }
        cli(env, "db", "upgrade")
        run_id = uuid.uuid4().hex[:8]
        accounts = [(f"chaos{n}-{run_id}@example.com", f"pw-{run_id}-{n}") for n in range(4)]
        for user, password in accounts:
            cli(env, "account", "create", user, "--password", password)
        proxy = None
        if env["DATABASE_URL"].startswith("postgresql"):
            target = make_url(env["DATABASE_URL"])
            proxy = TcpProxy((target.host or "127.0.0.1", target.port or 5432))
            proxy.start()
            relayed = target.set(host="127.0.0.1", port=proxy.port)
            env["DATABASE_URL"] = relayed.render_as_string(hide_password=False)
        port = free_port()
        server = start(Scenario("chaos", {}), env, port)
        url = f"http://127.0.0.1:{port}/api/http/"
        outcomes: Counter[str] = Counter()
        acknowledged: dict[int, set[int]] = {n: set() for n in range(len(accounts))}
        deleted: dict[int, set[int]] = {n: set() for n in range(len(accounts))}
        # A call whose answer was lost (its worker killed) may or may not have been done.
        unsure_deleted: dict[int, set[int]] = {n: set() for n in range(len(accounts))}
        unsure_adds = Counter[int]()
        lock = threading.Lock()
        until = time.monotonic() + args.seconds

        def client(number: int) -> None:
            index = number % len(accounts)
            user, password = accounts[index]
            auth = {"user": user, "password": password}
            mine: list[int] = []
            while time.monotonic() < until:
                idaddress = None
                try:
                    if len(mine) > 20:
                        idaddress = mine.pop(0)
                        reply = call(url, "deleteaddress", {**auth, "idaddress": str(idaddress)})
                        if reply["status"] == "SUCCESS":
                            with lock:
                                deleted[index].add(idaddress)
                    else:
                        reply = call(url, "addaddress", {**auth, **ADDRESS})
                        if reply["status"] == "SUCCESS":
                            mine.append(reply["result"]["idaddress"])
                            with lock:
                                acknowledged[index].add(reply["result"]["idaddress"])
                    outcome = "ok" if reply["status"] == "SUCCESS" else reply["error"]
                except requests.RequestException as error:
                    outcome = type(error).__name__
                if outcome in UNSURE:
                    with lock:
                        if idaddress is None:
                            unsure_adds[index] += 1
                        else:
                            unsure_deleted[index].add(idaddress)
                with lock:
                    outcomes[outcome] += 1

        injected = Counter[str]()

        def chaos() -> None:
            faults = ["kill", "reload", "cut database" if proxy else "kill"]
            event = 0
            while time.monotonic() < until - 3:
                time.sleep(3)
                fault = faults[event % len(faults)]
                event += 1
                injected[fault] += 1
                children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
                if fault == "kill" and children.split():
                    os.kill(int(children.split()[0]), signal.SIGKILL)
                elif fault == "cut database" and proxy:
                    proxy.cut()
                    time.sleep(2)
                    proxy.start()
                else:
                    os.kill(server.pid, signal.SIGHUP)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        threads.append(threading.Thread(target=chaos))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(2)  # let a respawned worker settle before the audit
        found: dict[int, list[int]] = {}
        for index, (user, password) in enumerate(accounts):
            reply = call(url, "getaddresses", {"user": user, "password": password})
            found[index] = [a["id"] for a in reply["result"]["list"]]
        stop(server)
    expected = sum(len(acknowledged[n] - deleted[n]) for n in acknowledged)
    present = sum(len(ids) for ids in found.values())
    missing = sum(
        len((acknowledged[n] - deleted[n] - unsure_deleted[n]) - set(found[n])) for n in found
    )
    # An add whose answer was lost may have happened: it may show up, once per lost answer.
    unexpected = sum(max(len(set(found[n]) - acknowledged[n]) - unsure_adds[n], 0) for n in found)
    unsure = sum(unsure_adds.values()) + sum(map(len, unsure_deleted.values()))
    duplicated = sum(len(found[n]) - len(set(found[n])) for n in found)
    resurrected = sum(len(set(found[n]) & deleted[n]) for n in found)
    sent = sum(outcomes.values())
    failed = {k: v for k, v in outcomes.items() if k != "ok" and v}
    print(
        f"chaos: {args.seconds}s {args.clients} clients, faults {dict(injected)},"
        f" sent {sent}, succeeded {outcomes['ok']}"
        f" ({100 * outcomes['ok'] / max(sent, 1):.2f}%), failed {sum(failed.values())} {failed},"
        f" writes acknowledged {sum(map(len, acknowledged.values()))}, deleted"
        f" {sum(map(len, deleted.values()))}, expected present {expected}, found {present},"
        f" unanswered (outcome unknown) {unsure}, missing {missing}, unexpected {unexpected},"
        f" duplicated {duplicated}, resurrected {resurrected}"
    )
    return 1 if missing or unexpected or duplicated or resurrected else 0


if __name__ == "__main__":
    raise SystemExit(main())
