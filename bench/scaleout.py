"""Scale-out on PostgreSQL: getbalance through nginx in front of 1, then more gunicorn masters.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/scaleout.py [--masters 2] [--seconds 10] [--connections 16]
                                           [--accounts 10000]

Each master stands for a host: its own port on this machine, the production
gunicorn config (deploy/gunicorn.conf.py), and one shared scratch database
bench_<random> created on DATABASE_URL's server and dropped at the end (as
bench/run.py does). nginx (apt-get install nginx) runs as the current user from
a temp prefix, with the upstream block of deploy/nginx-upstream.conf rendered
with the masters' ports. Measures getbalance against one master directly (what
the proxy costs), then through nginx with 1 .. --masters upstreams, each as a
ratio to nginx with one, and prints the connection budget (masters x workers x
pool per worker against max_connections) and the connections PostgreSQL saw.
Every master and nginx is stopped by its pid. On one machine the masters share
its cores, so the figures show that the setup works and what each hop costs;
more throughput needs more hosts. Exits 2 without PostgreSQL or nginx.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

# The repository root, for tests.tcp_proxy (shared with the test suite).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataset import BENCH_ACCOUNTS, Dataset, bench_dataset, is_postgresql
from run import (
    CONFIG,
    ROOT,
    SCENARIOS,
    WARMUP_SECONDS,
    Result,
    drive,
    machine,
    print_table,
    start,
    stop,
    write_report,
)
from sqlalchemy import QueuePool, text

from tests.tcp_proxy import free_port

UPSTREAM = ROOT / "deploy" / "nginx-upstream.conf"
NGINX = """\
worker_processes 1;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    # Debian's nginx has these under /var/lib/nginx, which only root may write.
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{upstream}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://usermanagement;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            # Answers stay in memory: no temp files under a prefix root's workers cannot enter.
            proxy_max_temp_file_size 0;
        }}
    }}
}}
"""


def render_upstream(template: str, ports: list[int]) -> str:
    """The template's upstream block with one server line per port, keeping its parameters."""
    servers = list(re.finditer(r"^(\s*server\s+)\S+([^\n]*;)\n", template, re.MULTILINE))
    first = servers[0]
    lines = "".join(f"{first[1]}127.0.0.1:{port}{first[2]}\n" for port in ports)
    return template[: first.start()] + lines + template[servers[-1].end() :]


@contextlib.contextmanager
def nginx(ports: list[int]) -> Iterator[str]:
    """nginx in front of the masters on ``ports``; yields its host:port, stops it by pid."""
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as prefix:
        port = free_port()
        upstream = render_upstream(UPSTREAM.read_text(), ports)
        config = Path(prefix) / "nginx.conf"
        config.write_text(NGINX.format(prefix=prefix, upstream=upstream, port=port))
        command = ["nginx", "-p", prefix, "-c", str(config), "-e", f"{prefix}/error.log"]
        command += ["-g", f"daemon off; pid {prefix}/nginx.pid;"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            address = f"127.0.0.1:{port}"
            deadline = time.monotonic() + 10
            while True:
                try:
                    with urllib.request.urlopen(f"http://{address}/health", timeout=2):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log = (Path(prefix) / "error.log").read_text(errors="replace")
                        raise SystemExit(f"nginx did not start:\n{log}") from None
                    time.sleep(0.1)
            yield address
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful: finish answers in flight
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def masters(count: int, env: dict[str, str]) -> Iterator[list[int]]:
    """``count`` service masters on ports of their own; yields the ports, stops them by pid."""
    getbalance = next(s for s in SCENARIOS if s.name == "getbalance")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        ports = [free_port() for _ in range(count)]
        for port in ports:
            processes.append(start(getbalance, env, port))
        yield ports
    finally:
        for process in processes:
            stop(process)


def server_connections(dataset: Dataset) -> int:
    """Connections PostgreSQL has open to the scratch database, besides this one."""
    with dataset.core.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()


def connection_limits(dataset: Dataset) -> tuple[int, int]:
    """PostgreSQL's max_connections, and how many of them non-superusers may open."""
    with dataset.core.engine.connect() as connection:
        limit = int(connection.execute(text("SHOW max_connections")).scalar_one())
        reserved = int(connection.execute(text("SHOW superuser_reserved_connections")).scalar_one())
    return limit, limit - reserved


def compare(
    dataset: Dataset, env: dict[str, str], workdir: Path, args: argparse.Namespace
) -> tuple[list[tuple[str, Result]], dict[str, int]]:
    """getbalance on one master directly, then through nginx with 1 .. --masters upstreams."""
    getbalance = next(s for s in SCENARIOS if s.name == "getbalance")
    rows: list[tuple[str, Result]] = []
    seen: dict[str, int] = {}  # connections PostgreSQL had open, per setup
    print("  1 master, direct ...", file=sys.stderr, flush=True)
    with masters(1, env) as ports:
        address = f"127.0.0.1:{ports[0]}"
        rows.append(
            (
                "1 master, direct",
                drive(getbalance, address, workdir, args.seconds, args.connections),
            )
        )
    for count in range(1, args.masters + 1):
        label = f"nginx, {count} master{'s' if count > 1 else ''}"
        print(f"  {label} ...", file=sys.stderr, flush=True)
        with masters(count, env) as ports, nginx(ports) as address:
            rows.append(
                (label, drive(getbalance, address, workdir, args.seconds, args.connections))
            )
            seen[label] = server_connections(dataset)
    return rows, seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--masters", type=int, default=2, help="measure 1 .. this many")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--accounts", type=int, default=10_000, help="bulk accounts, besides the benchmark's own"
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not (database_url and is_postgresql(database_url)):
        print(
            "error: DATABASE_URL must name a PostgreSQL server, which the masters share",
            file=sys.stderr,
        )
        return 2
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None:
            print(f"error: {tool} is not installed (apt-get install {tool})", file=sys.stderr)
            return 2
    workers = runpy.run_path(str(CONFIG))["workers"]
    accounts = args.accounts + len(BENCH_ACCOUNTS)
    cpu = machine()
    print(
        f"machine: {cpu['cores']} cores, {cpu['model']}; store: postgresql, {accounts:,} accounts;"
        f" wrk: {args.connections} connections, {args.seconds} s after a {WARMUP_SECONDS} s"
        " warm-up; getbalance"
    )
    with bench_dataset(database_url) as (dataset, env, workdir):
        dataset.grow_to(accounts)
        pool = dataset.core.engine.pool
        assert isinstance(pool, QueuePool), pool  # make_engine's pool on PostgreSQL
        per_worker = pool.size() + pool._max_overflow  # what one worker's pool may open
        limit, allowed = connection_limits(dataset)
        budget = args.masters * workers * per_worker
        print(
            f"connection budget: {args.masters} masters x {workers} workers x {per_worker}"
            f" = {budget} of {allowed} (max_connections {limit} less the superuser reserve)"
        )
        if budget > allowed:
            # The server is shared: running out of connections fails everyone's calls.
            print("error: too many masters, see deploy/nginx-upstream.conf", file=sys.stderr)
            return 2
        rows, seen = compare(dataset, env, workdir, args)
    reference = next(r.requests_per_second for label, r in rows if label.startswith("nginx, 1 "))
    print_table("setup", ((label, r, r.requests_per_second / reference) for label, r in rows))
    print(
        "connections open on PostgreSQL at the end of each run: "
        + ", ".join(f"{label}: {n}" for label, n in seen.items())
    )
    write_report(
        {
            "when": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
            "kind": "scaleout",
            "machine": cpu,
            "store": "postgresql",
            "accounts": accounts,
            "seconds": args.seconds,
            "warmup_seconds": WARMUP_SECONDS,
            "connections": args.connections,
            "workers_per_master": workers,
            "pool_per_worker": per_worker,
            "max_connections": limit,
            "allowed_connections": allowed,
            "results": [
                {
                    "setup": label,
                    **asdict(r),
                    "ratio_to_one_master": round(r.requests_per_second / reference, 3),
                    "server_connections": seen.get(label),
                }
                for label, r in rows
            ],
        },
        suffix="-scaleout",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
