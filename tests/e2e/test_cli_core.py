"""Each operator command builds only the parts of the core it uses."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import service.bootstrap
from service import __version__
from service.cli import _parser, main
from service.settings import Argon2Parameters
from tests.conftest import Store
from tests.e2e.test_cli import run

UNREACHABLE = "postgresql://postgres:hunter2@127.0.0.1:1/nowhere"
WSDL = Path(__file__).parents[2] / "wsdl"


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> list[tuple]:
    """Every group and command of ``parser``, as the words that name it."""
    found = [words]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*words, name))
    return found


@pytest.mark.parametrize("words", _commands(_parser()), ids=" ".join)
def test_help_of_every_group_and_command_builds_nothing(
    words: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuch://")
    monkeypatch.setenv("USERAPI_ARGON2_TIME_COST", "0")  # out of range: reading it would fail
    with pytest.raises(SystemExit) as exited:
        main([*words, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m service")


def test_version_is_the_package_s() -> None:
    result = run(None, "--version", DATABASE_URL="nosuch://")
    assert (result.returncode, result.stdout) == (0, f"python -m service {__version__}\n")


@pytest.mark.parametrize(
    ("soap", "committed"), [("1.1", "UserService.wsdl"), ("1.2", "UserService12.wsdl")]
)
def test_wsdl_needs_no_database_and_no_settings(soap: str, committed: str) -> None:
    for url in (UNREACHABLE, "nosuch://"):
        result = run(None, "wsdl", "--soap", soap, DATABASE_URL=url, USERAPI_ARGON2_TIME_COST="0")
        assert result.returncode == 0, result.stderr
        assert result.stdout == (WSDL / committed).read_text(encoding="utf-8")


class Built:
    """Records which parts of the core a command built."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parts: list[str] = []
        make_engine, passwords = service.bootstrap.make_engine, service.bootstrap.Passwords

        def engine(url: str) -> object:
            self.parts.append("engine")
            return make_engine(url)

        def hasher(parameters: Argon2Parameters) -> object:
            self.parts.append("passwords")
            return passwords(parameters)

        monkeypatch.setattr(service.bootstrap, "make_engine", engine)
        monkeypatch.setattr(service.bootstrap, "Passwords", hasher)


def test_commands_build_only_what_they_use(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in store.env.items():
        monkeypatch.setenv(name, value)
    email, _ = store.account()
    for words, parts in [
        (["wsdl", "--output", str(tmp_path / "a.wsdl")], []),
        (["account", "list"], ["engine"]),
        (["ip", "list", email], ["engine"]),
        (["account", "set-password", email, "--password", "long-enough"], ["engine", "passwords"]),
        (["access", "create", email, "--name", "lazy"], ["engine", "passwords"]),
    ]:
        built = Built(monkeypatch)
        assert main(words) == 0, words
        assert built.parts == parts, words
