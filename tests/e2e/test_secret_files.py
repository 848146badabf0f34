"""Files holding secrets are owner-only: the SQLite database, its WAL and SHM, backups.

Every command runs with the common umask 022, under which files are created 0644
unless the service says otherwise.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import CHEAP_ARGON2, Store
from tests.e2e.conftest import stop_process
from tests.tcp_proxy import free_port

COMMON_UMASK = 0o022
# The smallest catalogue: these tests are about files, not towns.
SMALL_CATALOGUE = {"USERAPI_CITY_POPULATION_CUTOFF": "15000"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        umask=COMMON_UMASK,
        timeout=300,
        check=False,
    )


def sqlite_env(path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{path}", **CHEAP_ARGON2, **SMALL_CATALOGUE}


def test_demo_on_a_new_path_keeps_database_wal_and_shm_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "data" / "demo.sqlite3"
    port = free_port()
    log = tmp_path / "demo.log"
    with log.open("wb") as sink:
        demo = subprocess.Popen(
            [sys.executable, "-m", "service", "demo", "--bind", f"127.0.0.1:{port}"],
            env={**os.environ, **sqlite_env(database)},
            stdout=sink,
            stderr=subprocess.STDOUT,
            umask=COMMON_UMASK,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while "Listening at" not in log.read_text() or "password:" not in log.read_text():
            assert demo.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        password = log.read_text().split("password: ", 1)[1].split()[0]
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                requests.get(f"{url}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        # The demo prints the console's address beside the APIs'.
        console = log.read_text().split("Console:  ", 1)[1].split()[0]
        assert console == f"{url}/console/"
        assert "Sign in" in requests.get(console, timeout=10).text

        def getbalance(password: str) -> object:
            params = {"class": "user", "method": "getbalance", "user": "demo@example.com"}
            reply = requests.get(
                f"{url}/api/http/", params={**params, "password": password}, timeout=10
            )
            body = reply.json()
            return body.get("result") or body["error"]

        assert getbalance(password) == {"balance": "100.00"}
        assert getbalance("not-the-password") == "INCORRECT_USER_PASSWORD"
        # Lines for a person: the engine's and each request's, none of them JSON.
        text = log.read_text()
        assert " INFO Listening at: " in text
        assert " INFO http getbalance SUCCESS 200 " in text
        assert not [line for line in text.splitlines() if line.startswith("{")]
        wal = database.with_name("demo.sqlite3-wal")
        shm = database.with_name("demo.sqlite3-shm")
        assert wal.stat().st_size > 0 and shm.exists()
        assert {path.name: mode(path) for path in (database, wal, shm)} == {
            "demo.sqlite3": 0o600,
            "demo.sqlite3-wal": 0o600,
            "demo.sqlite3-shm": 0o600,
        }
        assert mode(database.parent) == mode(database.parent.parent) == 0o700
    finally:
        stop_process(demo)


def test_an_existing_database_open_to_others_is_tightened(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    database = shared / "old.sqlite3"
    env = sqlite_env(database)
    assert run(env, "db", "upgrade").returncode == 0
    wal = database.with_name("old.sqlite3-wal")
    wal.write_bytes(b"")
    for path in (database, wal):
        path.chmod(0o644)
    listed = run(env, "account", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"{database} was open to other local users; it is now owner-only" in listed.stderr
    assert "Traceback" not in listed.stderr
    assert mode(database) == 0o600 and mode(shared) == 0o755
    assert not wal.exists() or mode(wal) == 0o600


def test_a_file_that_is_not_a_database_keeps_its_mode(tmp_path: Path) -> None:
    # A mistyped DATABASE_URL (sqlite:////etc/passwd) must not take the file from its readers.
    system_file = tmp_path / "passwd"
    system_file.write_text("root:x:0:0:root:/root:/bin/bash\n")
    system_file.chmod(0o644)
    listed = run(sqlite_env(system_file), "account", "list")
    assert (listed.returncode, listed.stderr) == (
        1,
        f"error: cannot use the database at {system_file}: the file is not a SQLite database\n",
    )
    assert mode(system_file) == 0o644
    assert system_file.read_text() == "root:x:0:0:root:/root:/bin/bash\n"


def test_backups_are_owner_only(store: Store, tmp_path: Path) -> None:
    if store.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    store.account("3.00")
    fresh = tmp_path / "fresh.dump"
    made = run(store.env, "backup", str(fresh))
    assert made.returncode == 0, made.stderr
    assert fresh.stat().st_size > 0 and mode(fresh) == 0o600
    # A file that is already there and open to others is made owner-only first.
    existing = tmp_path / "existing.dump"
    existing.write_bytes(b"")
    existing.chmod(0o644)
    remade = run(store.env, "backup", str(existing))
    assert remade.returncode == 0, remade.stderr
    assert existing.stat().st_size > 0 and mode(existing) == 0o600
    if store.name == "sqlite":
        restored = tmp_path / "new" / "restored.sqlite3"
        put_back = run(
            {**store.env, "DATABASE_URL": f"sqlite:///{restored}"}, "restore", str(fresh)
        )
        assert put_back.returncode == 0, put_back.stderr
        assert mode(restored) == 0o600 and mode(restored.parent) == 0o700


def test_a_backup_never_overwrites_a_file_that_is_not_one(store: Store, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a backup\n")
    other.chmod(0o644)
    result = run(store.env, "backup", str(other))
    assert (result.returncode, result.stderr) == (
        1,
        f"error: backup failed: {other} exists and is not a backup: name a new file, "
        "or remove it first\n",
    )
    assert other.read_text() == "not a backup\n" and mode(other) == 0o644


def test_a_backup_that_cannot_be_written_is_a_one_line_error(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "backup.dump"
    result = run(store.env, "backup", str(target))
    assert result.returncode == 1
    assert (
        result.stderr == f"error: backup failed: cannot write {target}: No such file or directory\n"
    )


@pytest.mark.parametrize("unit", ["usermanagement.service", "usermanagement-purge.service"])
def test_systemd_units_create_owner_only_files(unit: str) -> None:
    lines = (Path(__file__).parents[2] / "deploy" / unit).read_text().splitlines()
    assert "UMask=0077" in lines
