"""A taken address stops serve and demo with one line, before demo announces anything."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import Store
from tests.e2e.test_cli import run


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_an_address_another_server_holds_is_refused(store: Store, command: str) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        bind = f"127.0.0.1:{other.getsockname()[1]}"
        result = run(store, command, "--bind", bind)
    assert result.returncode == 1
    assert result.stdout == ""  # demo printed no address and no password
    assert result.stderr == (
        f"error: cannot listen on {bind}: address already in use; "
        "choose another with --bind HOST:PORT\n"
    )
