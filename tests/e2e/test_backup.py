"""Backup and restore round trip on both stores, through the CLI."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy

from service.bootstrap import build_core
from service.domain.credentials import PasswordCredentials
from service.settings import Settings
from tests.conftest import CALLER, Store
from tests.e2e.test_cli import run
from tests.e2e.test_soap_operations import address_params


def test_backup_and_restore(store: Store, tmp_path: Path) -> None:
    user, password = store.account("77.70")
    login = PasswordCredentials(user, password)
    idaddress = store.core.operations.addaddress(CALLER, login, **address_params())
    backup_file = tmp_path / "backup.dump"
    made = run(store, "backup", str(backup_file))
    assert made.returncode == 0, made.stderr
    assert backup_file.stat().st_size > 0
    # Restore into a fresh, empty database and read the data back through the core.
    if store.name == "sqlite":
        target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        scratch = None
    else:
        scratch = f"ums_restore_{uuid.uuid4().hex[:8]}"
        admin = sqlalchemy.create_engine(store.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{scratch}"'))
        target = store.url.rsplit("/", 1)[0] + f"/{scratch}"
    try:
        restored = run(store, "restore", str(backup_file), DATABASE_URL=target)
        assert restored.returncode == 0, restored.stderr
        core = build_core(Settings.from_env({**store.env, "DATABASE_URL": target}))
        assert str(core.operations.getbalance(CALLER, login)) == "77.70"
        assert [a.id for a in core.operations.getaddresses(CALLER, login)] == [idaddress]
        core.engine.dispose()
    finally:
        if scratch is not None:
            with admin.connect() as connection:
                connection.execute(sqlalchemy.text(f'DROP DATABASE "{scratch}" WITH (FORCE)'))
            admin.dispose()


def test_restore_needs_a_backup(store: Store, tmp_path: Path) -> None:
    result = run(store, "restore", str(tmp_path / "missing.dump"))
    assert result.returncode == 1 and "no backup at" in result.stderr


@pytest.mark.parametrize("args", [("backup",), ("restore",)])
def test_usage(store: Store, args: tuple[str, ...]) -> None:
    assert run(store, *args).returncode == 2
