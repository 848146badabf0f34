"""The golden corpus's fixed world: the server's settings and the seeded accounts.

Every value an answer can show is fixed here: e-mails, passwords (hashed with a
salt derived from the password, so the stored hashes and the token fingerprints
repeat), balances, addresses, accesses with their logins and secrets, their
states and IP filters. Seeding goes through the store's writes, as the CLI does,
but with these values instead of random ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from argon2.low_level import Type, hash_secret

from service.bootstrap import Core
from service.domain.access import OWN_LOGIN, AccessState
from service.domain.address import NewAddress
from service.domain.channel import DEFAULT_CHANNEL_TYPES
from tests.conftest import CHEAP_ARGON2

SECRET_KEY = "golden-corpus-secret-key-0123456789abcdef"
# Every request names this host: the WSDL's soap:address is the committed one.
HOST = "localhost:8000"
ACCOUNT_LIMIT, ADDRESS_LIMIT = 3, 6  # failed logins before a block
BLOCK_SECONDS = 600  # longer than any replay: no block expires during one
MAX_ADDRESSES = 3
# The largest cities only: the catalogue loads in a second, and every case's city is in it.
CITY_POPULATION_CUTOFF = 15000

SERVER_ENV = {
    **CHEAP_ARGON2,
    "USERAPI_SECRET_KEY": SECRET_KEY,
    # The replay is the proxy: X-Forwarded-For names each case's source address.
    "USERAPI_TRUSTED_PROXIES": "127.0.0.1",
    "USERAPI_THROTTLE_ACCOUNT_FAILURES": str(ACCOUNT_LIMIT),
    "USERAPI_THROTTLE_ADDRESS_FAILURES": str(ADDRESS_LIMIT),
    "USERAPI_THROTTLE_BLOCK": str(BLOCK_SECONDS),
    "USERAPI_MAX_ADDRESSES": str(MAX_ADDRESSES),
    "USERAPI_CITY_POPULATION_CUTOFF": str(CITY_POPULATION_CUTOFF),
}

MADRID, TOKYO, NEW_YORK = 3117735, 1850147, 5128581


def address(**changes: object) -> dict[str, object]:
    """addaddress's parameters for a New York address, with ``changes``."""
    params: dict[str, object] = {
        "namelastname": "John Smith",
        "iscompany": 0,
        "companyname": "",
        "documentid": "123456789A",
        "countrycode": "us",
        "cityid": NEW_YORK,
        "cityname": "New York",
        "zipcode": "10001",
        "address": "5th Avenue 1",
    }
    params.update(changes)
    return params


def stored(**changes: object) -> NewAddress:
    """An address as the store keeps it (seeded behind the operation's rules)."""
    params = {**address(countrycode="US"), **changes}
    return NewAddress(**params)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Access:
    """A named API access with a fixed login and secret."""

    name: str
    login: str
    secret: str
    state: AccessState = AccessState.ENABLED
    networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Account:
    """A seeded account: its own login, balance, addresses, accesses and filters."""

    email: str
    password: str
    balance: str = "0.00"
    addresses: tuple[NewAddress, ...] = ()
    accesses: tuple[Access, ...] = ()
    networks: tuple[str, ...] = ()
    own_login: AccessState = AccessState.ENABLED  # the own login's state
    channels_off: tuple[str, ...] = field(default=())


def _account(key: str, **values: object) -> Account:
    return Account(f"{key}@example.com", f"pw-{key}-Golden1", **values)  # type: ignore[arg-type]


# One account per flow that writes, so the flows never see each other's state.
FLOWS = (
    "soap11",
    "soap12",
    "soap11-wsse",
    "soap12-wsse",
    "http-get",
    "http-form",
    "http-multipart",
    "basic",
    "jwt",
    "zeep",
    "suds",
    "php",
    "jaxws",
    "node",
    "gsoap",
    "axis",
    "dotnet",
)

ACCOUNTS: dict[str, Account] = {
    # Read by many cases, written by none.
    "reader": _account(
        "reader",
        balance="125.50",
        addresses=(
            stored(
                namelastname="Zoë Ñúñez 東京", countrycode="JP", cityid=TOKYO, cityname="東京都"
            ),
            stored(iscompany=1, companyname="Acme SL", countrycode="ES", cityid=MADRID),
        ),
        channels_off=("voice",),
    ),
    "rich": _account("rich", balance="9999999999999999.99"),
    "empty": _account("empty"),
    # Target of every refused parameter: a failed call writes nothing.
    "errors": _account("errors", balance="1.00"),
    # Holds an address other accounts try to delete.
    "owner": _account("owner", addresses=(stored(),)),
    "full": _account("full", addresses=(stored(), stored(), stored())),
    # An address stored behind the rules that no XML answer can carry.
    "poisoned": _account("poisoned", addresses=(stored(namelastname="a\x1bb"),)),
    "accesses": _account(
        "accesses",
        balance="6.00",
        accesses=(
            Access("erp", "ak_0e1d2c3b4a5968778695a4b3", "erp-secret-Golden-1"),
            Access(
                "old", "ak_1f2e3d4c5b6a79889706b5c4", "old-secret-Golden-2", AccessState.DISABLED
            ),
            Access(
                "gone", "ak_2a3f4e5d6c7b8a9918a7c6d5", "gone-secret-Golden-3", AccessState.REVOKED
            ),
        ),
    ),
    "locked": _account(
        "locked",
        own_login=AccessState.DISABLED,
        accesses=(Access("only-way-in", "ak_3b4a5f6e7d8c9baa29b8d7e6", "only-secret-Golden-4"),),
    ),
    "filtered": _account(
        "filtered",
        networks=("203.0.113.0/24", "2001:db8:1::/48"),
        accesses=(
            Access(
                "branch",
                "ak_4c5b6a7f8e9dacbb3ac9e8f7",
                "branch-secret-Golden-5",
                networks=("203.0.113.128/25",),
            ),
        ),
    ),
    "guessed": _account("guessed", balance="5.00"),
    "sprayed": _account("sprayed"),
    **{f"flow-{name}": _account(f"flow-{name}", balance="125.50") for name in FLOWS},
}


def password_hash(secret: str) -> str:
    """The Argon2id hash of ``secret`` with the tests' cheap cost and a salt derived from it."""
    salt = hashlib.sha256(b"golden-corpus:" + secret.encode()).digest()[:16]
    return hash_secret(
        secret.encode(),
        salt,
        time_cost=int(CHEAP_ARGON2["USERAPI_ARGON2_TIME_COST"]),
        memory_cost=int(CHEAP_ARGON2["USERAPI_ARGON2_MEMORY_KIB"]),
        parallelism=int(CHEAP_ARGON2["USERAPI_ARGON2_PARALLELISM"]),
        hash_len=32,
        type=Type.ID,
    ).decode()


def login_hashes() -> dict[str, str]:
    """Every login (e-mail or access login) with the password hash it was seeded with."""
    hashes = {}
    for account in ACCOUNTS.values():
        hashes[account.email] = password_hash(account.password)
        for access in account.accesses:
            hashes[access.login] = password_hash(access.secret)
    return hashes


def seed(core: Core) -> None:
    """Store every account of ACCOUNTS, in order, in one transaction."""
    with core.units.writing() as uow:
        for account in ACCOUNTS.values():
            account_id = uow.accounts.create(
                account.email,
                password_hash(account.password),
                Decimal(account.balance),
                DEFAULT_CHANNEL_TYPES,
            )
            for new in account.addresses:
                uow.addresses.add(account_id, new)
            for channelname in account.channels_off:
                uow.channels.set_active(account_id, channelname, 0)
            if account.own_login is not AccessState.ENABLED:
                uow.accesses.set_state(account_id, OWN_LOGIN, account.own_login)
            if account.networks:
                uow.accesses.set_networks(account_id, None, list(account.networks))
            for access in account.accesses:
                access_id = uow.accesses.create(
                    account_id, access.name, access.login, password_hash(access.secret)
                )
                if access.state is not AccessState.ENABLED:
                    uow.accesses.set_state(account_id, access.name, access.state)
                if access.networks:
                    uow.accesses.set_networks(account_id, access_id, list(access.networks))
        uow.commit()
