"""Benchmark the service against a bare WSGI baseline measured in the same run.

    .venv/bin/python bench/run.py [--seconds 5] [--rounds 3] [--connections 16]
                                  [--accounts 10000] [--scale-seconds 5] [--no-scale]
                                  [--engines granian,gunicorn] [--no-peer]
                                  [--against DIR] [SCENARIO ...]

Sets up a database (a temp SQLite file; or, when DATABASE_URL names a PostgreSQL
server, a scratch database bench_<random> created there and dropped at the end)
with --accounts accounts plus one account per stateful scenario (see
bench/dataset.py). Every scenario runs under each of --engines (`serve
--engine`; gunicorn with deploy/gunicorn.conf.py) on this machine's loopback,
driven by wrk (apt-get install wrk; Lua scripts bench/soap.lua and
bench/addaddress.lua). The baseline, a bare WSGI app (bench/baseline.py) under
gunicorn's sync workers, and the peer, node-soap answering getbalance with a
constant (bench/peers/node-soap, `npm ci` there once; --no-peer skips it), run
throughout; each scenario's server runs in turn, measured in --rounds runs of
--seconds, each right after a baseline run and a peer run, and its ratios are
its requests over the baseline's and the peer's in those rounds: on a shared
host whose speed drifts, all drift together.

Prints req/s (the mean of the rounds), p50 (their median), p99 (the worst) and
errors per scenario with its ratio to the baseline, and the spread of the
baseline's runs. Errors are wrk's socket errors and timeouts plus every answer
that is not the expected one (status 200; for wrong-password the
INCORRECT_USER_PASSWORD fault). Then, unless --no-scale, the cost as work grows
(rounds of --scale-seconds, paired the same way): getbalance with 100 / 10,000 /
100,000 accounts in the database (one database, grown between runs; should stay
flat) and getaddresses returning 10 / 100 / 1,000 rows (should fall no faster
than linearly), with each ratio to the smallest case. Writes all
of it as JSON under var/bench/. Password hashing uses the production Argon2
parameters: what the credential cache saves is the point. Scale-out over
several masters behind nginx: bench/scaleout.py.

--against DIR compares two versions of the service: DIR is another checkout
(``git worktree add /tmp/before <commit>``). Each scenario's server is also
started from DIR, on the same database, and measured in the same rounds (the
baseline, then this checkout and DIR, taking turns going first); the table adds
DIR's ratio and this checkout's over it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

# The repository root, for tests.tcp_proxy (shared with the test suite).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataset import (
    ADDRESS,
    ADDRESS_COUNTS,
    BENCH_ACCOUNTS,
    CHANNELS,
    FAILING,
    PASSWORD,
    USER,
    WRITER,
    Dataset,
    addresses_user,
    bench_dataset,
    is_postgresql,
)

from service.contract import NAMESPACE
from tests.tcp_proxy import free_port

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
PEER = ROOT / "bench" / "peers" / "node-soap"
ENGINES = ("granian", "gunicorn")
SOAP_PATH = "/api/soap/"
WARMUP_SECONDS = 2
SCALE_ACCOUNTS = (100, 10_000, 100_000)


@dataclass(frozen=True)
class Scenario:
    """A server to start (its environment) and the call to repeat."""

    name: str
    env: dict[str, str]
    operation: str = "getbalance"
    baseline: bool = False
    engine: str = ENGINES[0]
    user: str = USER
    password: str = PASSWORD
    # The call's parameters besides the credentials; several sets are sent in turn.
    variants: tuple[dict[str, str], ...] = ({},)
    transport: str = "soap"  # "soap", "wsdl" (GET ?wsdl) or "http" (the HTTP API's form POST)
    expect_status: int = 200
    expect_body: str | None = None  # text the expected answer contains, when 200 is not enough


SCENARIOS = [
    Scenario("baseline", {}, baseline=True),
    Scenario("getbalance", {}),
    Scenario("getbalance-no-credential-cache", {"USERAPI_CREDENTIAL_CACHE_SIZE": "0"}),
    Scenario("getbalance-no-api-log", {"USERAPI_API_LOG": "0"}),
    Scenario("getaddresses-10", {}, "getaddresses", user=addresses_user(10)),
    Scenario("getaddresses-1000", {}, "getaddresses", user=addresses_user(1000)),
    # Each wrk connection leaves at most one address behind per run; a raised
    # limit keeps many connections from reaching MAX_ADDRESSES across runs.
    Scenario(
        "addaddress-deleteaddress",
        {"USERAPI_MAX_ADDRESSES": "100000"},
        "addaddress",
        user=WRITER,
        variants=(ADDRESS,),
    ),
    Scenario("getchannels", {}, "getchannels"),
    Scenario(
        "modifychannel",
        {},
        "modifychannel",
        user=CHANNELS,
        variants=({"channelname": "sms", "active": "0"}, {"channelname": "sms", "active": "1"}),
    ),
    # Argon2 runs on every call (nothing is cached for a wrong password): slow by
    # design. Raised throttle limits keep the run from being blocked.
    Scenario(
        "wrong-password",
        {
            "USERAPI_THROTTLE_ACCOUNT_FAILURES": "10000",
            "USERAPI_THROTTLE_ADDRESS_FAILURES": "100000",
        },
        user=FAILING,
        password="not-the-password",  # noqa: S106 (the point of the scenario)
        expect_status=500,
        expect_body="INCORRECT_USER_PASSWORD",
    ),
    Scenario("wsdl", {}, transport="wsdl"),
    Scenario("http-getbalance", {}, transport="http", expect_body='"status":"SUCCESS"'),
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
    ratio_to_peer: float | None = None  # to node-soap's getbalance in the same rounds
    spread: tuple[float, float] | None = None  # the baseline's slowest and fastest run
    against_ratio: float | None = None  # the --against checkout's ratio in the same rounds


@dataclass
class Growth:
    """One line of the cost-as-work-grows table."""

    call: str
    size: int
    unit: str  # what grows: "accounts" in the database, or "rows" in the answer
    result: Result
    ratio_to_smallest: float = 1.0


@dataclass(frozen=True)
class Workload:
    """How wrk drives a scenario: the path, the Lua script and its environment."""

    path: str
    script: str
    env: dict[str, str]


def envelope(
    operation: str, user: str = USER, password: str = PASSWORD, params: dict[str, str] | None = None
) -> bytes:
    """A SOAP 1.1 request of the plain shape client stubs send."""
    fields = {"user": user, "password": password, **(params or {})}
    parts = "".join(f"<u:{name}>{escape(value)}</u:{name}>" for name, value in fields.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:u="{NAMESPACE}"><s:Body><u:{operation}>{parts}</u:{operation}></s:Body></s:Envelope>'
    ).encode()


def workload(scenario: Scenario, workdir: Path) -> Workload:
    """Write the scenario's request bodies into ``workdir`` and say how wrk sends them."""
    checks = {"BENCH_EXPECT_STATUS": str(scenario.expect_status)}
    if scenario.expect_body:
        checks["BENCH_EXPECT_BODY"] = scenario.expect_body
    if scenario.transport == "wsdl":
        return Workload(f"{SOAP_PATH}?wsdl", "soap.lua", {"BENCH_METHOD": "GET", **checks})
    if scenario.transport == "http":
        body = workdir / f"{scenario.name}.form"
        form = {"class": "user", "method": scenario.operation}
        form |= {"user": scenario.user, "password": scenario.password}
        body.write_text(urllib.parse.urlencode(form))
        env = {"BENCH_CONTENT_TYPE": "application/x-www-form-urlencoded", **checks}
        return Workload("/api/http/", "soap.lua", {"BENCH_BODY_FILES": str(body), **env})
    credentials = (scenario.user, scenario.password)
    if scenario.operation == "addaddress":
        add, delete = workdir / "addaddress.xml", workdir / "deleteaddress.xml"
        add.write_bytes(envelope("addaddress", *credentials, scenario.variants[0]))
        # The Lua script puts each id that addaddress answered in place of the marker.
        delete.write_bytes(envelope("deleteaddress", *credentials, {"idaddress": "{idaddress}"}))
        env = {"BENCH_ADD_FILE": str(add), "BENCH_DELETE_FILE": str(delete)}
        return Workload(SOAP_PATH, "addaddress.lua", env)
    bodies = []
    for number, params in enumerate(scenario.variants):
        body = workdir / f"{scenario.name}-{number}.xml"
        body.write_bytes(envelope(scenario.operation, *credentials, params))
        bodies.append(str(body))
    env = {"BENCH_CONTENT_TYPE": "text/xml; charset=utf-8", **checks}
    return Workload(SOAP_PATH, "soap.lua", {"BENCH_BODY_FILES": os.pathsep.join(bodies), **env})


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "service", *args], env=env, check=True, cwd=ROOT)


def start(
    scenario: Scenario, env: dict[str, str], port: int, code: Path = ROOT
) -> subprocess.Popen[bytes]:
    """The scenario's server, running the service in the checkout ``code``."""
    bind = f"127.0.0.1:{port}"
    if scenario.baseline:
        command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--bind", bind]
        command += ["--chdir", str(ROOT / "bench"), "baseline:app"]
    elif scenario.engine == "gunicorn":
        # --config selects gunicorn, also in a checkout from before --engine (--against).
        config = code / CONFIG.relative_to(ROOT)
        command = [sys.executable, "-m", "service", "serve", "--config", str(config)]
        command += ["--bind", bind]
    else:
        command = [sys.executable, "-m", "service", "serve", "--engine", scenario.engine]
        command += ["--bind", bind]
    process = subprocess.Popen(
        command,
        env={**env, **scenario.env, "PYTHONPATH": str(code)},
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The baseline answers every path, /health included.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{bind}/health", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{scenario.name}: the server did not start")


@contextmanager
def peer_serving() -> Iterator[str]:
    """node-soap's constant getbalance (bench/peers/node-soap), a cluster of 2; host:port."""
    if not (PEER / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER, check=True)
    port = free_port()
    process = subprocess.Popen(
        ["node", "server.js", str(port), "2"],
        cwd=PEER,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{SOAP_PATH}?wsdl", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("node-soap peer: the server did not start") from None
                time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(url: str, work: Workload, seconds: int, connections: int) -> dict[str, int]:
    """Run wrk once; its counts as bench/report.lua prints them."""
    completed = subprocess.run(
        [
            *(
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
            ),
            *("-s", str(ROOT / "bench" / work.script), "--latency", url),
        ],
        env={**os.environ, **work.env},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("BENCH "))
    return json.loads(line[len("BENCH ") :])


@dataclass(frozen=True)
class Target:
    """A running server and the call to drive it with (its request files written once)."""

    name: str
    work: Workload
    address: str  # host:port

    @property
    def url(self) -> str:
        return f"http://{self.address}{self.work.path}"


def warm_up(target: Target, connections: int) -> None:
    """Load the target's server once, unmeasured: imports, connections, caches."""
    wrk(target.url, target.work, WARMUP_SECONDS, connections)
    drain(target.address)


def drain(address: str) -> None:
    """Return once the server at ``address`` has answered what it was sent.

    After wrk stops, the server still owes answers to the last requests (seconds
    of them when each checks an Argon2 hash); a health check queued behind them
    returns once they are done, so the next measured run does not share the CPU
    with them.
    """
    try:
        with urllib.request.urlopen(f"http://{address}/health", timeout=120):
            pass
    except urllib.error.HTTPError:
        pass  # answered all the same (the peer has no /health)


def run_once(target: Target, seconds: int, connections: int) -> Result:
    """One measured wrk run of the target's call."""
    raw = wrk(target.url, target.work, seconds, connections)
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return Result(
        target.name,
        round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        round(raw["p50_us"] / 1000, 2),
        round(raw["p99_us"] / 1000, 2),
        errors + raw["unexpected"],
    )


def combined(name: str, runs: list[Result]) -> Result:
    """Several runs as one: mean req/s, median p50, worst p99, all errors."""
    return Result(
        name,
        round(statistics.fmean(r.requests_per_second for r in runs), 1),
        round(statistics.median(r.p50_ms for r in runs), 2),
        max(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
    )


def drive(
    scenario: Scenario, address: str, workdir: Path, seconds: int, connections: int
) -> Result:
    """Warm the server at ``address`` (host:port) up, then measure the scenario's call."""
    target = Target(scenario.name, workload(scenario, workdir), address)
    warm_up(target, connections)
    return run_once(target, seconds, connections)


@contextmanager
def serving(scenario: Scenario, env: dict[str, str], code: Path = ROOT) -> Iterator[str]:
    """The scenario's server (from the checkout ``code``) while the block runs; host:port."""
    port = free_port()
    process = start(scenario, env, port, code)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        stop(process)


def measure_paired(
    scenario: Scenario,
    references: tuple[Target, Target | None],
    env: dict[str, str],
    workdir: Path,
    args: argparse.Namespace,
    seconds: int,
) -> tuple[Result, list[Result]]:
    """The scenario in rounds, each right after a baseline run (and a peer run, if there is a
    peer): its result and the baseline's runs.

    The ratios are the scenario's requests over the baseline's and the peer's in
    the same rounds, so a machine whose speed drifts during the run (a shared
    host) moves all of them.
    """
    baseline, peer = references
    print(f"  {scenario.name} ...", file=sys.stderr, flush=True)
    with ExitStack() as servers:
        targets = [
            Target(scenario.name, workload(scenario, workdir), servers.enter_context(server))
            for server in (
                serving(scenario, env),
                *([serving(scenario, env, args.against)] if args.against else []),
            )
        ]
        for target in targets:
            warm_up(target, args.connections)
        base_runs: list[Result] = []
        peer_runs: list[Result] = []
        runs: list[list[Result]] = [[] for _ in targets]
        for round_number in range(args.rounds):
            base_runs.append(run_once(baseline, seconds, args.connections))
            if peer is not None:
                peer_runs.append(run_once(peer, seconds, args.connections))
            # With --against the two checkouts take turns going first: neither always
            # runs right after the baseline.
            turn = list(zip(targets, runs, strict=True))
            for target, target_runs in turn[::-1] if round_number % 2 else turn:
                target_runs.append(run_once(target, seconds, args.connections))
                drain(target.address)
    base = sum(r.requests_per_second for r in base_runs)
    ratios = [round(sum(r.requests_per_second for r in rs) / base, 3) for rs in runs]
    result = combined(scenario.name, runs[0])
    result.ratio_to_baseline = ratios[0]
    if peer_runs:
        ours = sum(r.requests_per_second for r in runs[0])
        result.ratio_to_peer = round(ours / sum(r.requests_per_second for r in peer_runs), 3)
    result.against_ratio = ratios[1] if len(ratios) > 1 else None
    return result, base_runs


def machine() -> dict[str, object]:
    """This machine's cores and CPU model (figures compare only within one machine)."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "model": model}


def print_table(title: str, rows: Iterable[tuple[str, Result, float | None]]) -> None:
    """One line per result: label, req/s, p50, p99, errors, a ratio and the ratio to node-soap."""
    print(
        f"{title:40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'ratio':>6}"
        f" {'x node':>6}"
    )
    for label, r, ratio in rows:
        shown = "" if ratio is None else f"{ratio:6.3f}"
        peer = "" if r.ratio_to_peer is None else f"{r.ratio_to_peer:6.3f}"
        print(
            f"{label:40} {r.requests_per_second:9.1f} {r.p50_ms:8.2f} {r.p99_ms:8.2f}"
            f" {r.errors:6d} {shown:>6} {peer:>6}"
        )


def write_report(report: dict[str, object], suffix: str = "") -> Path:
    """Write ``report`` as JSON under var/bench/, named by its time and ``suffix``."""
    output = ROOT / "var" / "bench"
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{report['when']}{suffix}.json"
    path.write_text(json.dumps(report, indent=2))
    return path


def measure_all(
    dataset: Dataset, env: dict[str, str], workdir: Path, args: argparse.Namespace
) -> tuple[list[Result], list[Growth]]:
    """The baseline, the main scenarios and the growth points, growing the database between.

    The baseline server runs throughout (idle between its runs) and every
    measurement is paired with it. The database only ever grows, so each account
    count is measured when the database reaches it: the main scenarios at
    --accounts plus the benchmark accounts, getbalance at each of SCALE_ACCOUNTS.
    The baseline's row is the mean of all its runs; their spread says how steady
    the machine was.
    """
    main_total = args.accounts + len(BENCH_ACCOUNTS)
    growth_points = () if args.no_scale else SCALE_ACCOUNTS
    base_scenario, *asked = [
        s for s in SCENARIOS if s.baseline or not args.scenarios or s.name in args.scenarios
    ]
    chosen = [
        replace(scenario, name=f"{scenario.name} ({engine})", engine=engine)
        for scenario in asked
        for engine in args.engines
    ]
    getbalance = next(s for s in SCENARIOS if s.name == "getbalance")
    results: list[Result] = []
    accounts: list[Growth] = []
    rows: list[Growth] = []
    base_runs: list[Result] = []
    print(f"  {base_scenario.name} ...", file=sys.stderr, flush=True)
    with ExitStack() as references:
        base_address = references.enter_context(serving(base_scenario, env))
        baseline = Target(base_scenario.name, workload(base_scenario, workdir), base_address)
        warm_up(baseline, args.connections)
        peer = None
        if not args.no_peer:
            peer_address = references.enter_context(peer_serving())
            peer = Target("node-soap", workload(getbalance, workdir), peer_address)
            warm_up(peer, args.connections)

        def paired(scenario: Scenario, seconds: int) -> Result:
            result, runs = measure_paired(scenario, (baseline, peer), env, workdir, args, seconds)
            base_runs.extend(runs)
            return result

        for total in sorted({main_total, *growth_points}):
            dataset.grow_to(total)
            print(f"{total:,} accounts in the database", file=sys.stderr, flush=True)
            if total == main_total:
                results = [paired(scenario, args.seconds) for scenario in chosen]
                if not args.no_scale:
                    for count in ADDRESS_COUNTS:
                        scenario = Scenario(
                            f"getaddresses-{count}", {}, "getaddresses", user=addresses_user(count)
                        )
                        result = paired(scenario, args.scale_seconds)
                        rows.append(Growth("getaddresses", count, "rows", result))
            if total in growth_points:
                result = paired(getbalance, args.scale_seconds)
                accounts.append(Growth("getbalance", total, "accounts", result))
        if not base_runs:  # only the baseline was asked for
            base_runs = [
                run_once(baseline, args.seconds, args.connections) for _ in range(args.rounds)
            ]
    base = combined(base_scenario.name, base_runs)
    base.ratio_to_baseline = 1.0
    base.spread = (
        min(r.requests_per_second for r in base_runs),
        max(r.requests_per_second for r in base_runs),
    )
    return [base, *results], accounts + rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per measured run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs per scenario, each after a baseline run"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--accounts", type=int, default=10_000, help="bulk accounts, besides the benchmark's own"
    )
    parser.add_argument("--scale-seconds", type=int, default=5, help="per growth point")
    parser.add_argument("--no-scale", action="store_true", help="skip cost as work grows")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout of the service, measured in the same rounds (before/after)",
    )
    parser.add_argument(
        "--engines",
        type=lambda text: tuple(text.split(",")),
        default=ENGINES,
        help="serving engines to measure every scenario under (default granian,gunicorn)",
    )
    parser.add_argument(
        "--no-peer", action="store_true", help="skip node-soap (bench/peers/node-soap)"
    )
    parser.add_argument("scenarios", nargs="*", help="names (default: all)")
    args = parser.parse_args(argv)
    if set(args.engines) - set(ENGINES):
        parser.error(f"--engines: choose among {', '.join(ENGINES)}")
    unknown = set(args.scenarios) - {s.name for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        print("error: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    database_url = os.environ.get("DATABASE_URL")
    if database_url and not is_postgresql(database_url):
        print("error: DATABASE_URL must name a PostgreSQL server (unset: SQLite)", file=sys.stderr)
        return 2
    with bench_dataset(database_url) as (dataset, env, workdir):
        results, growth = measure_all(dataset, env, workdir, args)
        store = dataset.core.engine.dialect.name
    smallest: dict[str, float] = {}
    for point in growth:  # smallest first within each call; both ratios paired with the baseline
        paired_ratio = point.result.ratio_to_baseline or 0.0
        smallest.setdefault(point.call, paired_ratio)
        point.ratio_to_smallest = round(paired_ratio / smallest[point.call], 3)
    cpu = machine()
    print(
        f"machine: {cpu['cores']} cores, {cpu['model']}; store: {store},"
        f" {args.accounts + len(BENCH_ACCOUNTS):,} accounts; wrk: {args.connections}"
        f" connections; {args.rounds} rounds of {args.seconds} s per scenario, each after"
        f" a baseline run of {args.seconds} s ({WARMUP_SECONDS} s warm-up per server)"
    )
    print_table("scenario", ((r.scenario, r, r.ratio_to_baseline) for r in results))
    if args.against:
        print(f"\nagainst {args.against} (ratios to the baseline in the same rounds)")
        print(f"{'scenario':36} {'this':>7} {'against':>7} {'this/against':>12}")
        for r in results[1:]:
            if r.ratio_to_baseline and r.against_ratio:
                print(
                    f"{r.scenario:36} {r.ratio_to_baseline:7.3f} {r.against_ratio:7.3f}"
                    f" {r.ratio_to_baseline / r.against_ratio:12.3f}"
                )
    low, high = results[0].spread or (0.0, 0.0)
    print(
        f"baseline runs: {low:,.0f} to {high:,.0f} req/s (how steady the machine was;"
        " each ratio compares a scenario with the baseline runs of its own rounds)"
    )
    # Compared through their paired ratios: the rounds of two scenarios ran minutes apart.
    by_name = {r.scenario: r.ratio_to_baseline or 0.0 for r in results}
    comparisons = [
        (
            "getbalance",
            "getbalance-no-credential-cache",
            "credential cache: {:.1f}x the throughput without it",
        ),
        ("getbalance", "getbalance-no-api-log", "api log: {:.3f} of the throughput without it"),
    ]
    for engine in args.engines:
        for numerator, denominator, text in comparisons:
            names = (f"{numerator} ({engine})", f"{denominator} ({engine})")
            if set(names) <= by_name.keys() and by_name[names[1]] > 0:
                print(f"{engine}: " + text.format(by_name[names[0]] / by_name[names[1]]))
    if growth:
        print(
            f"\ncost as work grows ({args.rounds} rounds of {args.scale_seconds} s each, paired"
            " like the scenarios; ratio to the smallest case)"
        )
        rows = [(f"{g.call}, {g.size:,} {g.unit}", g.result, g.ratio_to_smallest) for g in growth]
        print_table("case", rows)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    write_report(
        {
            "when": stamp,
            "machine": cpu,
            "store": store,
            "accounts": args.accounts + len(BENCH_ACCOUNTS),
            "seconds": args.seconds,
            "rounds": args.rounds,
            "warmup_seconds": WARMUP_SECONDS,
            "connections": args.connections,
            "results": [asdict(r) for r in results],
            "scale": {"seconds": args.scale_seconds, "results": [asdict(g) for g in growth]},
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
