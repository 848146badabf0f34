"""Benchmark the service against a bare WSGI baseline measured in the same run.

    .venv/bin/python bench/run.py [--seconds 10] [--connections 16] [SCENARIO ...]

Every server runs under the same gunicorn settings (deploy/gunicorn.conf.py),
one at a time, on this machine's loopback, driven by wrk (apt-get install wrk).
Prints req/s, p50, p99 and errors per scenario with its ratio to the baseline,
and writes the same as JSON under var/bench/. Password hashing uses the
production Argon2 parameters: what the credential cache saves is the point.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tcp_proxy import free_port

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
USER, PASSWORD = "bench@example.com", "bench-password-1"
NS = "urn:usermanagement:user:v1"


@dataclass(frozen=True)
class Scenario:
    """A server to start (its environment) and the call to repeat."""

    name: str
    env: dict[str, str]
    operation: str = "getbalance"
    baseline: bool = False


SCENARIOS = [
    Scenario("baseline", {}, baseline=True),
    Scenario("getbalance", {}),
    Scenario("getbalance-no-credential-cache", {"USERAPI_CREDENTIAL_CACHE_SIZE": "0"}),
    Scenario("getbalance-no-api-log", {"USERAPI_API_LOG": "0"}),
]


@dataclass
class Result:
    """What wrk measured for one scenario."""

    scenario: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    ratio_to_baseline: float | None = None


def envelope(operation: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:u="{NS}"><s:Body><u:{operation}><u:user>{USER}</u:user>'
        f"<u:password>{PASSWORD}</u:password></u:{operation}></s:Body></s:Envelope>"
    ).encode()


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "service", *args], env=env, check=True, cwd=ROOT)


def start(scenario: Scenario, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    bind = f"127.0.0.1:{port}"
    if scenario.baseline:
        command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--bind", bind]
        command += ["--chdir", str(ROOT / "bench"), "baseline:app"]
    else:
        command = [sys.executable, "-m", "service", "serve", "--config", str(CONFIG)]
        command += ["--bind", bind]
    process = subprocess.Popen(
        command,
        env={**env, **scenario.env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{bind}/health", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
        if scenario.baseline:  # the baseline answers every path
            return process
    process.kill()
    raise SystemExit(f"{scenario.name}: the server did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(url: str, body_file: Path, seconds: int, connections: int) -> dict[str, int]:
    completed = subprocess.run(
        [
            *("wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"),
            *("-s", str(ROOT / "bench" / "soap.lua"), "--latency", url),
        ],
        env={**os.environ, "BENCH_BODY_FILE": str(body_file)},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("BENCH "))
    return json.loads(line[len("BENCH ") :])


def measure(
    scenario: Scenario, env: dict[str, str], workdir: Path, seconds: int, connections: int
) -> Result:
    port = free_port()
    body_file = workdir / f"{scenario.operation}.xml"
    body_file.write_bytes(envelope(scenario.operation))
    process = start(scenario, env, port)
    try:
        url = f"http://127.0.0.1:{port}/api/soap/"
        wrk(url, body_file, 2, connections)  # warm-up: imports, connections, caches
        raw = wrk(url, body_file, seconds, connections)
    finally:
        stop(process)
    errors = sum(v for k, v in raw.items() if k.endswith("errors") or k == "timeouts")
    return Result(
        scenario.name,
        round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        round(raw["p50_us"] / 1000, 2),
        round(raw["p99_us"] / 1000, 2),
        errors,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("scenarios", nargs="*", help="names (default: all)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("error: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    chosen = [s for s in SCENARIOS if s.baseline or not args.scenarios or s.name in args.scenarios]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"),
            "USERAPI_CITY_POPULATION_CUTOFF": "15000",
            "USERAPI_LOG_LEVEL": "WARNING",
        }
        cli(env, "db", "upgrade")
        cli(env, "account", "create", USER, "--password", PASSWORD, "--balance", "125.50")
        results = [measure(s, env, workdir, args.seconds, args.connections) for s in chosen]
    baseline = results[0].requests_per_second
    for result in results:
        result.ratio_to_baseline = round(result.requests_per_second / baseline, 3)
    print(f"{'scenario':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'ratio':>6}")
    for r in results:
        print(
            f"{r.scenario:34} {r.requests_per_second:9.1f} {r.p50_ms:8.2f} {r.p99_ms:8.2f}"
            f" {r.errors:6d} {r.ratio_to_baseline:6.3f}"
        )
    by_name = {r.scenario: r for r in results}
    if {"getbalance", "getbalance-no-credential-cache"} <= by_name.keys():
        cached = by_name["getbalance"].requests_per_second
        uncached = by_name["getbalance-no-credential-cache"].requests_per_second
        print(f"credential cache: {cached / uncached:.1f}x the throughput without it")
    if {"getbalance", "getbalance-no-api-log"} <= by_name.keys():
        logged = by_name["getbalance"].requests_per_second
        unlogged = by_name["getbalance-no-api-log"].requests_per_second
        print(f"api log: {logged / unlogged:.3f} of the throughput without it")
    output = ROOT / "var" / "bench"
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "when": stamp,
        "machine": {"cores": os.cpu_count()},
        "seconds": args.seconds,
        "connections": args.connections,
        "results": [asdict(r) for r in results],
    }
    (output / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
