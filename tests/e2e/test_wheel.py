"""The service as operators install it: a non-editable wheel, no extras, run from elsewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import zeep

from service import __version__
from tests.conftest import CHEAP_ARGON2
from tests.e2e.conftest import stop_process
from tests.tcp_proxy import free_port

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_WSDL = ROOT / "wsdl" / "UserService.wsdl"
USER, PASSWORD = "op@example.com", "wheel-pw-1"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.slow
def test_the_installed_wheel_serves_every_feature(tmp_path: Path) -> None:
    plain = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", "dist", str(ROOT)],
        tmp_path,
        plain,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    run([sys.executable, "-m", "venv", "venv"], tmp_path, plain)
    python = tmp_path / "venv" / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path, plain)
    # Run from a folder that is not the checkout: only the installed package can answer.
    home = tmp_path / "operator"
    home.mkdir()
    env = {
        **plain,
        "DATABASE_URL": f"sqlite:///{home}/var/service.sqlite3",
        "USERAPI_CITY_POPULATION_CUTOFF": "15000",
        **CHEAP_ARGON2,
    }
    command = str(tmp_path / "venv" / "bin" / "usermanagement")
    located = run([str(python), "-c", "import service; print(service.__file__)"], home, env)
    assert str(tmp_path / "venv") in located.stdout
    # The version written once in the package, and the script's own name in what it prints.
    assert run([command, "--version"], home, env).stdout == f"usermanagement {__version__}\n"
    assert wheel.name.startswith(f"usermanagement_service-{__version__}-")
    run([command, "db", "upgrade"], home, env)
    account = ["account", "create", USER, "--password", PASSWORD, "--balance", "7.25"]
    run([command, *account], home, env)
    port = free_port()
    server = subprocess.Popen(
        [command, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=home,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        client = zeep.Client(f"{url}/api/soap/?wsdl")
        assert str(client.service.getbalance(user=USER, password=PASSWORD)) == "7.25"
        served = requests.get(f"{url}/api/soap/?wsdl", timeout=10).content
        assert served.replace(url.encode(), b"http://localhost:8000") == COMMITTED_WSDL.read_bytes()
        assert (
            requests.get(f"{url}/api/openapi.json", timeout=10).json()["openapi"].startswith("3.1")
        )
        reply = requests.get(
            f"{url}/api/http/",
            params={"class": "user", "method": "getchannels", "user": USER, "password": PASSWORD},
            timeout=10,
        )
        assert len(reply.json()["result"]["list"]) == 3
        # The console's templates and static files are package data: sign in and see the balance.
        browser = requests.Session()
        signin = browser.get(f"{url}/console/", timeout=10).text
        token = re.search(r'name="csrf" value="([^"]*)"', signin)
        assert token is not None and 'name="password"' in signin
        balance_page = browser.post(
            f"{url}/console/login",
            data={"csrf": token.group(1), "user": USER, "password": PASSWORD},
            timeout=10,
        )
        assert balance_page.status_code == 200 and 'id="balance">7.25<' in balance_page.text
        assert browser.get(f"{url}/console/static/console.css", timeout=10).status_code == 200
    finally:
        stop_process(server)
    assert server.returncode == 0
