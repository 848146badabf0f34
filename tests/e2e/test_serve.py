"""``python -m service serve``: the deploy config works, SIGTERM stops it cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
import zeep

from tests.conftest import Store
from tests.e2e.conftest import start_server, stop_server

DEPLOY_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def test_serve_with_the_deploy_config_and_stop(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = tmp_path_factory.mktemp("deploy") / "server.log"
    server = start_server(store, log, extra_args=("--config", str(DEPLOY_CONFIG)))
    try:
        user, password = store.account("3.50")
        client = zeep.Client(f"{server.soap_url}?wsdl")
        assert str(client.service.getbalance(user=user, password=password)) == "3.50"
    finally:
        status = stop_server(server)
    assert status == 0
    assert "Shutting down: Master" in server.log_text()
