"""A database the CLI cannot use is one line on stderr that names the cause, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from service.store.causes import NO_SCHEMA
from tests.conftest import Store
from tests.e2e.test_cli import run
from tests.tcp_proxy import free_port

SECRET = "pw-canary-3"
WRONG_STORE = (
    "DATABASE_URL must be sqlite:///PATH or postgresql://USER@HOST:PORT/NAME, got a {} URL"
)


def one_error_line(url: str) -> str:
    """The command's only output, for a command that must fail on ``url``."""
    result = run(None, "account", "list", DATABASE_URL=url)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert SECRET not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        (f"mysql://root:{SECRET}@127.0.0.1:3306/test", "mysql://"),
        (f"postgresql+psycopg2://postgres:{SECRET}@127.0.0.1/test", "postgresql+psycopg2://"),
        (f"mariadb+pymysql://root:{SECRET}@127.0.0.1/test", "mariadb+pymysql://"),
    ],
)
def test_a_store_it_does_not_drive_is_named_by_its_scheme(url: str, scheme: str) -> None:
    assert one_error_line(url) == "error: " + WRONG_STORE.format(scheme)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres:{SECRET}@127.0.0.1:notaport/test",
        f"postgresql://postgres:{SECRET}@[::1:5432/test",
        f"postgresql://postgres:{SECRET}@127.0.0.1:99999/test",
    ],
)
def test_a_host_or_port_that_cannot_be_read_is_named(url: str) -> None:
    assert one_error_line(url) == (
        "error: DATABASE_URL: the host and port of the postgresql:// URL cannot be read "
        "(HOST:PORT, [IPv6]:PORT, the port a number up to 65535)"
    )


def test_a_nul_in_the_url_is_named() -> None:
    assert one_error_line("sqlite:///var/x%00.sqlite3") == (
        "error: DATABASE_URL: the sqlite:// URL holds a NUL character"
    )


def test_the_cause_is_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    empty.chmod(0o600)  # as the service keeps it: no warning beside the error
    unmade = "/proc/no-such-folder/x.sqlite3"  # a folder that cannot be created, even by root
    for url, shown in [
        (f"sqlite:///{empty}", f"{empty}: {NO_SCHEMA}"),
        (f"sqlite:///{unmade}", f"{unmade}: the SQLite file cannot be opened or created here"),
        (
            f"postgresql://postgres:{SECRET}@127.0.0.1:1/test",
            "127.0.0.1:1/test: connection refused (is the server running, on that port?)",
        ),
    ]:
        assert one_error_line(url) == f"error: cannot use the database at {shown}"


def test_the_server_s_refusals_are_named(store: Store) -> None:
    if store.name != "postgresql":
        pytest.skip("a database server's refusals are PostgreSQL's")
    server = store.url.rsplit("/", 1)[0].split("@", 1)[1]
    for url, shown in [
        (store.url.rsplit("/", 1)[0] + "/no_such_database", "the database does not exist"),
        (f"postgresql://no_such_role:{SECRET}@{server}/test", "the database user does not exist"),
    ]:
        assert one_error_line(url).endswith(f"/{url.rsplit('/', 1)[1]}: {shown}")


def test_the_default_database_in_a_working_folder_that_takes_no_files() -> None:
    # The default is var/usermanagement.sqlite3 under the working folder; in /proc nothing can
    # be made, even by root (a read-only checkout or image layer is the same to the service).
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    for command in (["account", "list"], ["db", "upgrade"]):
        result = subprocess.run(
            [sys.executable, "-m", "service", *command],
            capture_output=True,
            text=True,
            env=environment,
            cwd="/proc",
            timeout=120,
            check=False,
        )
        assert (result.returncode, result.stdout, result.stderr) == (
            1,
            "",
            "error: cannot use the database at var/usermanagement.sqlite3: "
            "the SQLite file cannot be opened or created here\n",
        )


def test_a_metrics_folder_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    # Refused before the database is looked at or a worker starts.
    result = run(
        None,
        "serve",
        "--bind",
        f"127.0.0.1:{free_port()}",
        PROMETHEUS_MULTIPROC_DIR="/proc/no-such-folder",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "error: PROMETHEUS_MULTIPROC_DIR: cannot use /proc/no-such-folder as the metrics "
        "folder: No such file or directory\n",
    )
