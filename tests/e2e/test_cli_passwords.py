"""New passwords reach the operator commands without the command line: stdin or a prompt."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.http import http_call, outcome

PROMPT_DEADLINE = 60.0


def run_with_input(
    store: Store, text: str | bytes, *args: str
) -> subprocess.CompletedProcess[bytes]:
    """The command with ``text`` on its standard input (a pipe, not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        input=text.encode() if isinstance(text, str) else text,
        capture_output=True,
        env={**os.environ, **store.env},
        timeout=120,
        check=False,
    )


def balance(server: RunningServer, user: str, password: str) -> str:
    return outcome(http_call(server, "getbalance", {"user": user, "password": password}))


def new_email() -> str:
    return f"stdin-{uuid.uuid4().hex[:10]}@example.com"


def test_create_reads_the_password_from_stdin(store: Store, server: RunningServer) -> None:
    email = new_email()
    created = run_with_input(
        store, "Stdin pw 9f2c\n", "account", "create", email, "--balance", "4.50"
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"created account {email} with balance 4.50\n".encode()
    assert b"Stdin pw" not in created.stdout + created.stderr
    assert balance(server, email, "Stdin pw 9f2c") == {"balance": "4.50"}


def test_set_password_reads_one_line_and_drops_its_line_ending(
    store: Store, server: RunningServer
) -> None:
    email, old = store.account("1.00")
    changed = run_with_input(
        store, "n\u00e9w-secret-\u6771\r\nnext line\n", "account", "set-password", email
    )
    assert changed.returncode == 0, changed.stderr
    assert balance(server, email, "n\u00e9w-secret-\u6771") == {"balance": "1.00"}
    assert balance(server, email, old) == "INCORRECT_USER_PASSWORD"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("short\n", "error: a password has 8 to 256 characters\n"),
        ("\n", "error: a password has 8 to 256 characters\n"),
        ("x" * 257 + "\n", "error: a password has 8 to 256 characters\n"),
        ("", "error: no password on standard input\n"),
        (b"\xff\xfe-not-utf-8\n", "error: the password on standard input is not UTF-8\n"),
    ],
)
def test_a_bad_password_on_stdin_is_a_one_line_error(
    store: Store, text: str | bytes, message: str
) -> None:
    email = new_email()
    result = run_with_input(store, text, "account", "create", email)
    assert (result.returncode, result.stderr.decode(), result.stdout) == (1, message, b"")
    assert email not in run_with_input(store, "", "account", "list").stdout.decode()


def test_password_option_still_works_for_scripts(store: Store, server: RunningServer) -> None:
    email = new_email()
    created = run_with_input(store, "", "account", "create", email, "--password", "Option-pw-1")
    assert created.returncode == 0, created.stderr
    changed = run_with_input(
        store, "ignored-stdin\n", "account", "set-password", email, "--password", "Option-pw-2"
    )
    assert changed.returncode == 0, changed.stderr
    assert balance(server, email, "Option-pw-2") == {"balance": "0.00"}


def _converse(fd: int, answers: list[bytes]) -> bytes:
    """Answer each prompt on the pty in turn; everything the terminal showed."""
    shown = b""
    answered = 0
    deadline = time.monotonic() + PROMPT_DEADLINE
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            return shown
        if not chunk:
            return shown
        shown += chunk
        # Answer a prompt once it is shown (its echo is off then), never ahead of it.
        if answers and shown.endswith(b": ") and shown.count(b": ") > answered:
            os.write(fd, answers.pop(0))
            answered += 1
    raise AssertionError(f"no end of the conversation: {shown!r}")


@pytest.mark.parametrize(("again", "status"), [("Tty-secret-7", 0), ("Tty-other-8", 1)])
def test_a_terminal_is_asked_twice_without_echo(
    store: Store, server: RunningServer, again: str, status: int
) -> None:
    email, old = store.account("2.00")
    # The command's standard streams are a pty (subprocess forks and execs without
    # running Python in the child: pty.fork() may deadlock in a threaded process).
    fd, terminal = os.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "service", "account", "set-password", email],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, **store.env},
        start_new_session=True,
    )
    os.close(terminal)
    try:
        shown = _converse(fd, [b"Tty-secret-7\n", f"{again}\n".encode()])
    finally:
        os.close(fd)
        exit_status = child.wait(timeout=60)
    assert exit_status == status, shown
    assert shown.count(b"new password") == 2
    assert b"Tty-secret-7" not in shown and again.encode() not in shown
    if status == 0:
        assert balance(server, email, "Tty-secret-7") == {"balance": "2.00"}
    else:
        assert b"error: the two passwords differ" in shown
        assert balance(server, email, old) == {"balance": "2.00"}
