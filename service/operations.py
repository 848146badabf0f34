"""The six use cases of class ``user``, independent of any transport.

Each takes the parameters as the transport received them (None when absent,
"" when empty) and returns plain values or raises ``UserApiError``. The checks
run in the documented precedence: credentials, then absent compulsory
parameters, then the method's own checks. Each call is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TypeVar

import pycountry

from .auth.credentials import Authenticated, Authenticator, LoginFailed
from .auth.tokens import IssuedToken
from .domain.address import Address, parse_idaddress, parse_new_address
from .domain.caller import Caller
from .domain.channel import Channel, parse_channel_change
from .domain.credentials import CallCredentials, PasswordCredentials
from .domain.login import AccountRecord
from .domain.values import INT32_MAX, Raw
from .errors import ErrorCode, UserApiError
from .store.uow import (
    ReadingUnitOfWork,
    UnitOfWork,
    UnitOfWorkFactory,
    WritingUnitOfWork,
    retry_if_lost,
)

T = TypeVar("T")
U = TypeVar("U", bound=UnitOfWork)


def country_exists(countrycode: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code (upper-case)."""
    return len(countrycode) == 2 and pycountry.countries.get(alpha_2=countrycode) is not None


class UserOperations:
    """Class ``user``: balance, addresses and channels of the calling account."""

    def __init__(
        self, units: UnitOfWorkFactory, authenticator: Authenticator, max_addresses: int
    ) -> None:
        self._units = units
        self._authenticator = authenticator
        self._max_addresses = max_addresses

    def _admit(self, caller: Caller, credentials: CallCredentials) -> None:
        """A UsernameToken's freshness, before the call's transaction.

        Outside it: on SQLite a second writer would wait for the call's.
        """
        if isinstance(credentials, PasswordCredentials):
            self._authenticator.admit(caller, credentials)

    @contextmanager
    def _logged_in(
        self, caller: Caller, credentials: CallCredentials, unit: U
    ) -> Iterator[tuple[U, Authenticated]]:
        """One call's unit of work, opened by the credential check.

        Throttling state changes in transactions of their own, after the call's
        transaction has ended (it rolls back on every error).
        """
        login: Authenticated | None = None
        try:
            with unit as uow:
                login = self._authenticator.authenticate(uow.reads, caller, credentials)
                caller.signed_in(login.account.id, login.account.access_id)
                yield uow, login
        except LoginFailed as failure:
            self._authenticator.throttle.failed(failure.keys)
            raise
        finally:
            if login is not None and login.forget_failures:
                self._authenticator.throttle.succeeded(login.email, caller.source_ip)

    @contextmanager
    def _write(
        self, caller: Caller, credentials: CallCredentials
    ) -> Iterator[tuple[WritingUnitOfWork, AccountRecord]]:
        """A call that writes: one transaction, committed by the operation."""
        self._admit(caller, credentials)
        with self._logged_in(caller, credentials, self._units.writing()) as (uow, login):
            yield uow, login.account

    def _read(
        self,
        caller: Caller,
        credentials: CallCredentials,
        answer: Callable[[ReadingUnitOfWork, AccountRecord], T],
    ) -> T:
        """A call that only reads: ``answer`` for the account the credentials open.

        A read changes nothing, so when its connection turns out to be lost
        before it answered (the server dropped a connection kept between
        calls), the login and the answer run again on a fresh one. The token's
        admission is not repeated: its nonce is already recorded.
        """
        self._admit(caller, credentials)

        def attempt() -> T:
            with self._logged_in(caller, credentials, self._units.reading()) as (uow, login):
                return answer(uow, login.account)

        return retry_if_lost(attempt)

    def authenticated(self, caller: Caller, credentials: CallCredentials) -> Authenticated:
        """The login the credentials open, checked as every call's (the console's sign-in
        and each of its pages)."""
        self._admit(caller, credentials)

        def attempt() -> Authenticated:
            with self._logged_in(caller, credentials, self._units.reading()) as (_, login):
                return login

        return retry_if_lost(attempt)

    def issuetoken(self, caller: Caller, credentials: PasswordCredentials) -> IssuedToken:
        """A short-lived bearer token for the account (the JWT transport's login)."""
        issue = self._authenticator.tokens.issue
        return self._read(
            caller, credentials, lambda _, account: issue(account.login, account.password_hash)
        )

    def getbalance(self, caller: Caller, credentials: CallCredentials) -> Decimal:
        """The account's balance."""
        return self._read(caller, credentials, lambda _, account: account.balance)

    def addaddress(self, caller: Caller, credentials: CallCredentials, **parameters: Raw) -> int:
        """Add an address to the account; returns its id (``idaddress``).

        ``parameters``: addaddress's own, by their contract names, as received.
        """
        with self._write(caller, credentials) as (uow, account):
            new = parse_new_address(**parameters)
            if not country_exists(new.countrycode):
                raise UserApiError(ErrorCode.COUNTRY_NOT_FOUND)
            in_range = 0 < new.cityid <= INT32_MAX
            if not in_range or uow.reads.city_countrycode(new.cityid) != new.countrycode:
                raise UserApiError(ErrorCode.CITY_NOT_FOUND)
            uow.accounts.lock(account.id)
            if uow.reads.count_addresses(account.id) >= self._max_addresses:
                raise UserApiError(ErrorCode.TOO_MANY_ADDRESSES)
            idaddress = uow.addresses.add(account.id, new)
            uow.commit()
            return idaddress

    def deleteaddress(self, caller: Caller, credentials: CallCredentials, idaddress: Raw) -> None:
        """Delete one of the account's own addresses."""
        with self._write(caller, credentials) as (uow, account):
            number = parse_idaddress(idaddress)
            if not uow.addresses.delete(account.id, number):
                raise UserApiError(ErrorCode.ADDRESS_NOT_FOUND)
            uow.commit()

    def getaddresses(self, caller: Caller, credentials: CallCredentials) -> list[Address]:
        """The account's addresses, oldest first."""
        return self._read(caller, credentials, lambda uow, account: uow.reads.addresses(account.id))

    def getchannels(self, caller: Caller, credentials: CallCredentials) -> list[Channel]:
        """The account's channels."""
        return self._read(caller, credentials, lambda uow, account: uow.reads.channels(account.id))

    def modifychannel(
        self, caller: Caller, credentials: CallCredentials, channelname: Raw, active: Raw
    ) -> None:
        """Enable (1) or disable (0) one of the account's channels."""
        with self._write(caller, credentials) as (uow, account):
            change = parse_channel_change(channelname=channelname, active=active)
            if not uow.channels.set_active(account.id, change.channelname, change.active):
                raise UserApiError(ErrorCode.CHANNEL_NOT_FOUND)
            uow.commit()
