"""The benchmark's database: a scratch store, the benchmark accounts, and bulk accounts.

Rows are written with SQLAlchemy Core, as ``Repository.create_account`` and
``add_address`` would make them: creating 100,000 accounts one ORM flush at a
time would take minutes. Every account shares one password hash, made once with
the production Argon2 cost, so that checking a password costs what it costs in
production while setting up costs one hash.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from service.bootstrap import build_core
from service.domain.access import OWN_LOGIN
from service.domain.channel import DEFAULT_CHANNEL_TYPES
from service.settings import Settings
from service.store import migrate, models
from service.store.database import normalise_url

PASSWORD = "bench-password-1"  # noqa: S105 (throwaway accounts in a scratch database)
BALANCE = Decimal("125.50")
# Each scenario whose calls change or depend on an account's state has its own account.
USER = "bench@example.com"  # read-only calls
WRITER = "writes@example.com"  # addaddress + deleteaddress
CHANNELS = "channels@example.com"  # modifychannel
FAILING = "failing@example.com"  # wrong-password calls: its throttle record grows
ADDRESS_COUNTS = (10, 100, 1000)


def addresses_user(count: int) -> str:
    """The account holding ``count`` addresses."""
    return f"addresses-{count}@example.com"


BENCH_ACCOUNTS = (USER, WRITER, CHANNELS, FAILING, *map(addresses_user, ADDRESS_COUNTS))
# A valid address: the city is in the catalogue at every population cutoff.
ADDRESS = {
    "namelastname": "Bench Test",
    "iscompany": "0",
    "companyname": "Bench Ltd",
    "documentid": "X1234567",
    "countrycode": "ES",
    "cityid": "3117735",
    "cityname": "Madrid",
    "zipcode": "28001",
    "address": "Calle Mayor 1",
}
# Rows per INSERT batch: bounds the memory a 100,000-account step needs.
BATCH = 10_000


def is_postgresql(database_url: str) -> bool:
    """True when ``database_url`` names a PostgreSQL server."""
    return make_url(normalise_url(database_url)).get_backend_name() == "postgresql"


@contextmanager
def scratch_database(database_url: str | None, workdir: Path) -> Iterator[str]:
    """A database URL for the run, dropped afterwards when it is on a server.

    No URL: a SQLite file in ``workdir``. A PostgreSQL URL: a new database
    ``bench_<random>`` on that server, created and finally dropped through an
    AUTOCOMMIT connection to the given database.
    """
    if not database_url:
        yield f"sqlite:///{workdir}/bench.sqlite3"
        return
    if not is_postgresql(database_url):
        raise ValueError("a scratch database is made on a PostgreSQL server only")
    server = make_url(normalise_url(database_url))
    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                # FORCE: a server that failed to stop must not keep the database alive.
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass
class Dataset:
    """Migrates the database, writes the benchmark's accounts into it, and grows it."""

    env: dict[str, str]
    bulk: int = 0  # bulk accounts written so far

    def __post_init__(self) -> None:
        self.core = build_core(Settings.from_env(self.env))
        migrate.upgrade(self.core.engine, self.core.settings.city_population_cutoff)
        self.password_hash = self.core.passwords.hash(PASSWORD)

    @property
    def accounts(self) -> int:
        """How many accounts the database holds."""
        return len(BENCH_ACCOUNTS) + self.bulk

    def load_bench_accounts(self) -> None:
        """The benchmark accounts, and their addresses (past the service's per-account limit)."""
        ids = self._create_accounts(list(BENCH_ACCOUNTS))
        rows = [
            {
                **ADDRESS,
                "account_id": ids[addresses_user(count)],
                "iscompany": int(ADDRESS["iscompany"]),
                "cityid": int(ADDRESS["cityid"]),
                "verified": 0,
                "addressverified": 0,
            }
            for count in ADDRESS_COUNTS
            for _ in range(count)
        ]
        with self.core.engine.begin() as connection:
            connection.execute(insert(models.Address), rows)

    def grow_to(self, accounts: int) -> None:
        """Add bulk accounts until the database holds ``accounts`` (never removes any)."""
        while self.accounts < accounts:
            count = min(accounts - self.accounts, BATCH)
            self._create_accounts([f"user{self.bulk + n}@bulk.example.com" for n in range(count)])
            self.bulk += count
        if self.core.engine.dialect.name == "postgresql":
            # Fresh planner statistics, as autovacuum would have them a minute later.
            with self.core.engine.begin() as connection:
                connection.execute(text("ANALYZE"))

    def close(self) -> None:
        """Close the database connections (before a server database is dropped)."""
        self.core.engine.dispose()

    def _create_accounts(self, emails: list[str]) -> dict[str, int]:
        """Accounts with their own login and default channels, as create_account makes them."""
        rows = [
            {
                "email": email,
                "password_hash": self.password_hash,
                "balance": BALANCE,
                "ip_filtered": False,
            }
            for email in emails
        ]
        with self.core.engine.begin() as connection:
            inserted = connection.execute(
                insert(models.Account).returning(models.Account.id, sort_by_parameter_order=True),
                rows,
            )
            ids = [row.id for row in inserted]
            connection.execute(
                insert(models.ApiAccess),
                [
                    {"account_id": i, "name": OWN_LOGIN, "state": "enabled", "ip_filtered": False}
                    for i in ids
                ],
            )
            connection.execute(
                insert(models.Channel),
                [
                    {"account_id": account_id, "channeltype": kind, "channelname": kind}
                    for account_id in ids
                    for kind in DEFAULT_CHANNEL_TYPES
                ],
            )
        return dict(zip(emails, ids, strict=True))


def bench_env(database_url: str) -> dict[str, str]:
    """The environment every server of a run gets."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "USERAPI_CITY_POPULATION_CUTOFF": "15000",
        # The default: one request line each on stderr (to /dev/null), as operators run it.
        "USERAPI_LOG_LEVEL": "INFO",
    }


@contextmanager
def bench_dataset(database_url: str | None) -> Iterator[tuple[Dataset, dict[str, str], Path]]:
    """A scratch store holding the benchmark accounts: the dataset, the servers' environment
    and a work folder, all gone afterwards."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as tmp,
        scratch_database(database_url, Path(tmp)) as scratch_url,
    ):
        env = bench_env(scratch_url)
        dataset = Dataset(env)
        try:
            dataset.load_bench_accounts()
            yield dataset, env, Path(tmp)
        finally:
            dataset.close()
