"""The documented precedence of each operation's checks, on a fake unit of work.

Credentials first, then absent compulsory parameters, then each value in the
document's parameter order, then the look-ups (country, city, the address
limit, the address or channel itself); a failed call changes nothing. The
fakes hold the state in memory and apply a call's writes only when it commits
(cosmicpython's FakeUnitOfWork), and the fake credential check knows one
login: what the real one does is tested in test_auth.py and end to end.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import TracebackType
from typing import Any, Self, cast

import pytest

from service.auth.credentials import Authenticated, Authenticator, LoginFailed
from service.domain.address import Address, NewAddress, parse_new_address
from service.domain.caller import Caller
from service.domain.channel import Channel
from service.domain.credentials import CallCredentials, PasswordCredentials
from service.domain.login import AccountRecord
from service.domain.throttle import login_keys
from service.domain.values import Raw, is_blank
from service.errors import ErrorCode, UserApiError
from service.operations import UserOperations
from service.store.uow import UnitOfWorkFactory

USER, PASSWORD = "owner@example.com", "right-password"
ACCOUNT = AccountRecord(7, USER, "hash", Decimal("10.00"), 70, USER)
OTHER_ACCOUNT = 8
MADRID, TOKYO = 3117735, 1850147
MAX_ADDRESSES = 2
GOOD: dict[str, Raw] = {
    "namelastname": "Ana Pérez",
    "iscompany": "0",
    "companyname": "",
    "documentid": "12345678Z",
    "countrycode": "ES",
    "cityid": str(MADRID),
    "cityname": "Madrid",
    "zipcode": "28001",
    "address": "Calle Mayor 1",
}


@dataclass
class State:
    """What the fake database holds."""

    addresses: dict[int, tuple[int, NewAddress]] = field(default_factory=dict)
    channels: dict[tuple[int, str], int] = field(default_factory=dict)
    cities: dict[int, str] = field(default_factory=lambda: {MADRID: "ES", TOKYO: "JP"})
    next_id: int = 1


class FakeReads:
    def __init__(self, state: State) -> None:
        self._state = state

    def city_countrycode(self, cityid: int) -> str | None:
        return self._state.cities.get(cityid)

    def count_addresses(self, account_id: int) -> int:
        return sum(owner == account_id for owner, _ in self._state.addresses.values())

    def addresses(self, account_id: int) -> list[Address]:
        return [
            Address(id=i, **vars(new), verified=0, addressverified=0)
            for i, (owner, new) in self._state.addresses.items()
            if owner == account_id
        ]

    def channels(self, account_id: int) -> list[Channel]:
        return [
            Channel("sms", name, active)
            for (owner, name), active in self._state.channels.items()
            if owner == account_id
        ]


class FakeUnitOfWork:
    """Reads see the state; writes go to a copy that replaces it on commit."""

    def __init__(self, state: State) -> None:
        self._state = state
        self.committed = False

    def __enter__(self) -> Self:
        self._pending = replace(
            self._state,
            addresses=dict(self._state.addresses),
            channels=dict(self._state.channels),
        )
        self.reads = FakeReads(self._state)
        self.accounts = self
        self.addresses = self
        self.channels = self
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Leaving without commit() discards the pending writes."""

    def commit(self) -> None:
        self._state.addresses, self._state.channels = (
            self._pending.addresses,
            self._pending.channels,
        )
        self._state.next_id = self._pending.next_id
        self.committed = True

    # accounts
    def lock(self, account_id: int) -> None:
        """Nothing runs beside a fake call."""

    # addresses
    def add(self, account_id: int, new: NewAddress) -> int:
        idaddress = self._pending.next_id
        self._pending.next_id += 1
        self._pending.addresses[idaddress] = (account_id, new)
        return idaddress

    def delete(self, account_id: int, idaddress: int) -> bool:
        owner = self._pending.addresses.get(idaddress, (None, None))[0]
        return owner == account_id and self._pending.addresses.pop(idaddress) is not None

    # channels
    def set_active(self, account_id: int, channelname: str, active: int) -> bool:
        if (account_id, channelname) not in self._pending.channels:
            return False
        self._pending.channels[(account_id, channelname)] = active
        return True


class FakeUnits:
    def __init__(self, state: State) -> None:
        self.state = state
        self.opened: list[FakeUnitOfWork] = []

    def _unit(self) -> FakeUnitOfWork:
        self.opened.append(FakeUnitOfWork(self.state))
        return self.opened[-1]

    reading = writing = _unit


class FakeThrottle:
    def __init__(self) -> None:
        self.failures = 0

    def failed(self, keys: Any) -> None:
        self.failures += 1

    def succeeded(self, email: str, source_ip: str) -> None:
        """Nothing was counted against a fake login."""


class FakeAuthenticator:
    """Knows one login; absent credentials before wrong ones, as the real check."""

    def __init__(self) -> None:
        self.throttle = FakeThrottle()

    def admit(self, caller: Caller, credentials: PasswordCredentials) -> None:
        """No UsernameToken to admit."""

    def authenticate(
        self, reads: FakeReads, caller: Caller, credentials: CallCredentials
    ) -> Authenticated:
        assert isinstance(credentials, PasswordCredentials)
        if is_blank(credentials.user):
            raise UserApiError(ErrorCode.MISSING_USER)
        if is_blank(credentials.password):
            raise UserApiError(ErrorCode.MISSING_PASSWORD)
        if (credentials.user, credentials.password) != (USER, PASSWORD):
            raise LoginFailed(login_keys(str(credentials.user), caller.source_ip))
        return Authenticated(ACCOUNT, USER, forget_failures=False)


@dataclass
class Service:
    operations: UserOperations
    units: FakeUnits
    authenticator: FakeAuthenticator

    def code(self, method: str, user: Raw = USER, password: Raw = PASSWORD, **params: Raw) -> str:
        """The code ``method`` fails with (the test fails if it succeeds)."""
        credentials = PasswordCredentials(user, password)
        with pytest.raises(UserApiError) as failure:
            getattr(self.operations, method)(Caller("192.0.2.7"), credentials, **params)
        return failure.value.code.name


@pytest.fixture
def service() -> Service:
    state = State(channels={(ACCOUNT.id, "sms"): 1, (OTHER_ACCOUNT, "email"): 1})
    state.addresses[1] = (OTHER_ACCOUNT, parse_new_address(**GOOD))
    state.next_id = 2
    units, authenticator = FakeUnits(state), FakeAuthenticator()
    operations = UserOperations(
        cast(UnitOfWorkFactory, units), cast(Authenticator, authenticator), MAX_ADDRESSES
    )
    return Service(operations, units, authenticator)


def nothing_committed(service: Service) -> bool:
    return not any(unit.committed for unit in service.units.opened)


# Credentials come before every parameter ---------------------------------------------------


@pytest.mark.parametrize(
    ("user", "password", "code"),
    [
        (None, None, "MISSING_USER"),
        ("  ", PASSWORD, "MISSING_USER"),
        (USER, "", "MISSING_PASSWORD"),
        (USER, "wrong", "INCORRECT_USER_PASSWORD"),
    ],
)
@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("addaddress", {name: None for name in GOOD}),
        ("deleteaddress", {"idaddress": "x"}),
        ("modifychannel", {"channelname": None, "active": "7"}),
        ("getbalance", {}),
    ],
)
def test_credentials_come_before_any_parameter(
    service: Service, user: Raw, password: Raw, code: str, method: str, params: dict[str, Raw]
) -> None:
    assert service.code(method, user, password, **params) == code
    assert nothing_committed(service)


def test_a_wrong_password_counts_as_a_failure_and_nothing_else_does(service: Service) -> None:
    service.code("getbalance", USER, "wrong")
    service.code("getbalance", None, None)
    service.code("addaddress", **{**GOOD, "countrycode": "XX"})
    assert service.authenticator.throttle.failures == 1


# addaddress: absent, then each value in order, then the look-ups ---------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        # An absent compulsory parameter wins over every wrong value.
        ({"zipcode": None, "iscompany": "2", "countrycode": "XX"}, "MISSING_COMPULSORY_PARAM"),
        ({"address": "", "namelastname": "x" * 201}, "MISSING_COMPULSORY_PARAM"),
        # Then the values in the document's order.
        ({"namelastname": "x" * 201, "iscompany": "2"}, "PARAM_TOO_LONG"),
        ({"iscompany": "2", "countrycode": ""}, "INCORRECT_PARAM_VALUE"),
        ({"countrycode": "", "cityid": "0"}, "EMPTY_COUNTRYCODE"),
        ({"cityid": "0", "zipcode": "z" * 21}, "EMPTY_CITY"),
        ({"cityid": "x1", "zipcode": "z" * 21}, "INCORRECT_PARAM_VALUE"),
        # Then the look-ups: the country before the city.
        ({"countrycode": "XX", "cityid": "999999"}, "COUNTRY_NOT_FOUND"),
        ({"cityid": str(TOKYO)}, "CITY_NOT_FOUND"),
        ({"cityid": "99999999999"}, "CITY_NOT_FOUND"),
    ],
)
def test_addaddress_checks_in_order(service: Service, changes: dict[str, Raw], code: str) -> None:
    assert service.code("addaddress", **{**GOOD, **changes}) == code
    assert nothing_committed(service)


def test_the_address_limit_comes_after_every_value_and_look_up(service: Service) -> None:
    for _ in range(MAX_ADDRESSES):
        service.operations.addaddress(
            Caller("192.0.2.7"), PasswordCredentials(USER, PASSWORD), **GOOD
        )
    assert service.code("addaddress", **{**GOOD, "cityid": str(TOKYO)}) == "CITY_NOT_FOUND"
    assert service.code("addaddress", **GOOD) == "TOO_MANY_ADDRESSES"
    assert FakeReads(service.units.state).count_addresses(ACCOUNT.id) == MAX_ADDRESSES


def test_a_new_address_is_committed_and_numbered(service: Service) -> None:
    caller, credentials = Caller("192.0.2.7"), PasswordCredentials(USER, PASSWORD)
    idaddress = service.operations.addaddress(caller, credentials, **GOOD)
    assert service.units.opened[-1].committed
    [stored] = service.operations.getaddresses(caller, credentials)
    assert (stored.id, stored.cityid, stored.countrycode) == (idaddress, MADRID, "ES")
    assert caller.account_id == ACCOUNT.id  # the credential check says whom it opened


# deleteaddress and modifychannel --------------------------------------------------------------


@pytest.mark.parametrize(
    ("idaddress", "code"),
    [
        (None, "MISSING_COMPULSORY_PARAM"),
        ("", "MISSING_COMPULSORY_PARAM"),
        ("1x", "INCORRECT_PARAM_VALUE"),
        ("0", "ADDRESS_NOT_FOUND"),
        ("4294967296", "ADDRESS_NOT_FOUND"),
        ("1", "ADDRESS_NOT_FOUND"),  # another account's
    ],
)
def test_deleteaddress_checks_in_order(service: Service, idaddress: Raw, code: str) -> None:
    assert service.code("deleteaddress", idaddress=idaddress) == code
    assert 1 in service.units.state.addresses and nothing_committed(service)


@pytest.mark.parametrize(
    ("channelname", "active", "code"),
    [
        (None, "2", "MISSING_COMPULSORY_PARAM"),
        ("sms", None, "MISSING_COMPULSORY_PARAM"),
        ("s" * 65, "2", "PARAM_TOO_LONG"),
        ("sms", "2", "INCORRECT_PARAM_VALUE"),
        ("fax", "0", "CHANNEL_NOT_FOUND"),
        ("email", "0", "CHANNEL_NOT_FOUND"),  # another account's
    ],
)
def test_modifychannel_checks_in_order(
    service: Service, channelname: Raw, active: Raw, code: str
) -> None:
    assert service.code("modifychannel", channelname=channelname, active=active) == code
    assert service.units.state.channels[(ACCOUNT.id, "sms")] == 1 and nothing_committed(service)


def test_a_channel_change_is_committed(service: Service) -> None:
    caller, credentials = Caller("192.0.2.7"), PasswordCredentials(USER, PASSWORD)
    service.operations.modifychannel(caller, credentials, channelname="sms", active="0")
    assert service.operations.getchannels(caller, credentials) == [Channel("sms", "sms", 0)]
