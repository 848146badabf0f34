"""The real server under gunicorn on a free port, per store, and clients for it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import zeep

from tests.conftest import Store
from tests.tcp_proxy import free_port

STARTUP_DEADLINE = 60.0


@dataclass
class RunningServer:
    """A gunicorn master serving the app, with where its log goes."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    store: Store

    @property
    def soap_url(self) -> str:
        return f"{self.url}/api/soap/"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(
    store: Store,
    log: Path,
    extra_env: dict[str, str] | None = None,
    workers: int = 2,
    extra_args: tuple[str, ...] = (),
    host: str = "127.0.0.1",
) -> RunningServer:
    """Start ``python -m service serve`` and wait until it answers /health.

    ``host`` is where it binds (``[::]``: dual stack); it is called on 127.0.0.1.
    """
    port = free_port()
    env = {**os.environ, **store.env, **(extra_env or {})}
    command = [sys.executable, "-m", "service", "serve", *extra_args]
    command += ["--bind", f"{host}:{port}", "--workers", str(workers)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = RunningServer(f"http://127.0.0.1:{port}", process, log, store)
    deadline = time.monotonic() + STARTUP_DEADLINE
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited at start-up:\n{server.log_text()}")
        try:
            if requests.get(f"{server.url}/health", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"server did not start:\n{server.log_text()}")
        time.sleep(0.1)


def stop_process(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM a server started in its own session and wait for it (SIGKILL its group after
    20 s); returns its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


def stop_server(server: RunningServer) -> int:
    """SIGTERM the master and wait for it; returns its exit status."""
    return stop_process(server.process)


@pytest.fixture(scope="session")
def server(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(store, tmp_path_factory.mktemp("server") / "server.log")
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def client(server: RunningServer) -> zeep.Client:
    return zeep.Client(f"{server.soap_url}?wsdl")
