"""Choosing the serving engine and its worker count."""

from __future__ import annotations

import os

import pytest

from service.cli import main
from service.engines import split_bind, worker_count
from service.settings import Engine, Settings, SettingsError


def test_the_default_engine_is_granian() -> None:
    assert Settings.from_env({}).engine is Engine.GRANIAN
    assert Settings.from_env({"USERAPI_ENGINE": " Gunicorn "}).engine is Engine.GUNICORN
    with pytest.raises(SettingsError, match="USERAPI_ENGINE must be granian or gunicorn"):
        Settings.from_env({"USERAPI_ENGINE": "uwsgi"})


def test_workers_come_from_the_command_line_then_the_settings_then_the_cores() -> None:
    cores = os.cpu_count() or 1
    plain = Settings.from_env({})
    assert worker_count(Engine.GRANIAN, plain) == cores
    assert worker_count(Engine.GUNICORN, plain) == cores + 1
    platform = Settings.from_env({"WEB_CONCURRENCY": "5"})
    assert worker_count(Engine.GRANIAN, platform) == 5
    ours = Settings.from_env({"WEB_CONCURRENCY": "5", "USERAPI_WORKERS": "3"})
    assert worker_count(Engine.GUNICORN, ours) == 3
    assert worker_count(Engine.GRANIAN, ours, asked=7) == 7


def test_a_bind_address_is_host_and_port() -> None:
    assert split_bind("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert split_bind("[::]:8080") == ("::", 8080)
    for wrong in ("8000", "localhost:", ":8000", "host:http", "host:0", "host:65536", "host:99999"):
        with pytest.raises(SettingsError, match="HOST:PORT"):
            split_bind(wrong)


def test_a_gunicorn_config_file_is_not_for_granian(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["serve", "--engine", "granian", "--config", "deploy/gunicorn.conf.py"])
    assert status == 1
    assert capsys.readouterr().err == (
        "error: --config is a gunicorn config file: use it with --engine gunicorn\n"
    )
