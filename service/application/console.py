"""The account console's actions: what an account holder does from a browser.

Each method is called by the dispatcher like an API operation (the caller, the
credentials, the form's values) and raises coded errors; the console codec
only decodes forms and renders pages. Every one but sign-in and sign-up opens
the session first, with the same checks as any call (an idle, old or
superseded session, a disabled login, an address the IP filters refuse).

An API access's login can sign in as well: it sees what its calls could
(balance, channels, addresses) and its own connection tracking and API log;
the account's accesses, IP filters and password are the account owner's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..auth.credentials import Authenticator, normalise_user
from ..auth.passwords import Passwords
from ..auth.sessions import new_token, token_digest, usable_token
from ..contract import MAX_LENGTH
from ..domain.access import OWN_LOGIN, AccessRecord, AccessState, is_access_login
from ..domain.caller import Caller
from ..domain.credentials import CallCredentials, PasswordCredentials, SessionCredentials
from ..domain.login import AccountRecord
from ..domain.session import ConsoleSessionRecord
from ..domain.throttle import login_keys
from ..domain.values import INT32_MAX, Raw, integer, xml_safe
from ..errors import ErrorCode, UserApiError
from ..operations import UserOperations
from ..store.uow import UnitOfWorkFactory
from . import accesses, accounts, apilog, catalogue, inputs, networks
from .accesses import NewAccess
from .errors import Refused

# API log entries on one page of the console.
LOG_PAGE = 50
# Cities the address form's city search offers at most.
CITY_MATCHES = 20


@dataclass(frozen=True)
class NewSession:
    """A new console session's token: a value of its own, so that the API log, which keeps
    a text result as its summary, never keeps the token."""

    token: str = field(repr=False)


@dataclass(frozen=True)
class SignedIn:
    """Who a console request is: the account, the login used, and whether it is the owner's."""

    account: AccountRecord

    @property
    def owner(self) -> bool:
        """True for the account's own login; False for an API access's."""
        return not is_access_login(self.account.login)

    def as_owner(self) -> AccountRecord:
        """The account, when this is its own login; an API access's login is refused."""
        if not self.owner:
            raise Refused("only the account's own login can do this, not an API access")
        return self.account


def _text(value: Raw) -> str:
    return "" if value is None else str(value)


class ConsoleActions:
    """The console's actions on the core: sessions, the account's tools and its records."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        passwords: Passwords,
        operations: UserOperations,
        authenticator: Authenticator,
        *,
        signup: bool,
    ) -> None:
        self._units = units
        self._passwords = passwords
        self._operations = operations
        self._authenticator = authenticator
        self._tokens = authenticator.tokens
        self.signup_open = signup

    def methods(self) -> dict[str, Callable[..., Any]]:
        """The actions by the name the dispatcher runs them under (and the API log records)."""
        names = (
            "signin", "whoami", "signout", "signup", "changepassword",
            "accesses", "createaccess", "accessstate", "rotatesecret",
            "ipfilters", "allownetwork", "denynetwork", "usage", "apilog", "apilogentry",
            "findcities", "cityname",
        )  # fmt: skip
        return {name: getattr(self, name) for name in names}

    # Sessions

    def signin(
        self, caller: Caller, credentials: PasswordCredentials, user_agent: str | None = None
    ) -> NewSession:
        """Check the user and password as any call's; returns a new session."""
        login = self._operations.authenticated(caller, credentials)
        token = new_token()
        now = datetime.now(UTC)
        record = ConsoleSessionRecord(
            token_digest(token),
            login.account.id,
            login.account.login,
            self._tokens.fingerprint(login.account.password_hash),
            now,
            now,
            caller.source_ip,
        )
        policy = self._authenticator.sessions
        with self._units.writing() as uow:
            uow.sessions.purge(now - policy.idle)
            uow.sessions.start(record, user_agent[:200] if user_agent else None)
            uow.commit()
        return NewSession(token)

    def whoami(self, caller: Caller, credentials: CallCredentials) -> SignedIn:
        """The session's login; its last use is written now and then (idle timeout)."""
        login = self._operations.authenticated(caller, credentials)
        session = login.session
        now = datetime.now(UTC)
        if session is not None and self._authenticator.sessions.stale(session, now):
            with self._units.writing() as uow:
                uow.sessions.touch(session.digest, now)
                uow.commit()
        return SignedIn(login.account)

    def signout(self, caller: Caller, credentials: SessionCredentials) -> None:
        """End the session (whether or not it was still valid)."""
        token = usable_token(credentials.token)
        if token is None:
            raise UserApiError(ErrorCode.SESSION_EXPIRED)
        with self._units.writing() as uow:
            ended = uow.sessions.end(token_digest(token))
            uow.commit()
        if not ended:
            raise UserApiError(ErrorCode.SESSION_EXPIRED)

    def signup(self, caller: Caller, credentials: PasswordCredentials) -> None:
        """Open an account (balance 0) with the e-mail and password given.

        Throttled like a sign-in: each sign-up counts against the source address,
        so one address cannot open accounts without end.
        """
        if not self.signup_open:
            raise Refused("sign-up is closed: ask the operator for an account")
        email, password = _text(credentials.user), _text(credentials.password)
        if not email.strip():
            raise UserApiError(ErrorCode.MISSING_USER)
        if not password:
            raise UserApiError(ErrorCode.MISSING_PASSWORD)
        throttle = self._authenticator.throttle
        keys = login_keys(normalise_user(email)[: MAX_LENGTH["user"]], caller.source_ip)
        throttle.refuse_blocked(keys)
        throttle.failed(keys)
        address, secret = inputs.account_email(email), inputs.new_password(password)
        accounts.create_account(self._units, self._passwords, address, secret, Decimal("0.00"))

    def _owner(self, caller: Caller, credentials: CallCredentials) -> AccountRecord:
        """The signed-in account, when it is its owner's own login."""
        return self.whoami(caller, credentials).as_owner()

    def changepassword(
        self, caller: Caller, credentials: SessionCredentials, password: Raw, newpassword: Raw
    ) -> None:
        """Replace the account's password; every other session of the account ends.

        A wrong current password counts as a failed login: a session left open
        must not become a way to guess the password without the throttle.
        """
        account = self._owner(caller, credentials)
        throttle = self._authenticator.throttle
        keys = login_keys(account.login, caller.source_ip)
        throttle.refuse_blocked(keys)
        if not self._passwords.verify(account.password_hash, _text(password)):
            throttle.failed(keys)
            raise Refused("the current password is not right")
        password_hash = self._passwords.hash(inputs.new_password(_text(newpassword)))
        token = usable_token(credentials.token)
        assert token is not None  # whoami opened the session
        digest = token_digest(token)
        with self._units.writing() as uow:
            uow.accounts.set_password_hash(account.email, password_hash)
            uow.sessions.end_others(account.id, keep=digest)
            uow.sessions.set_fingerprint(digest, self._tokens.fingerprint(password_hash))
            uow.commit()

    # API accesses and IP filters (the owner's)

    def accesses(self, caller: Caller, credentials: CallCredentials) -> list[AccessRecord]:
        """The account's accesses (an access's login sees its own only)."""
        signed_in = self.whoami(caller, credentials)
        found = accesses.accesses(self._units, signed_in.account.email)
        if signed_in.owner:
            return found
        return [access for access in found if access.id == signed_in.account.access_id]

    def createaccess(self, caller: Caller, credentials: CallCredentials, name: Raw) -> NewAccess:
        """A new access; its secret is in the answer only."""
        account = self._owner(caller, credentials)
        checked = inputs.access_name(_text(name).strip())
        return accesses.create_access(self._units, self._passwords, account.email, checked)

    def accessstate(
        self, caller: Caller, credentials: CallCredentials, name: Raw, state: Raw
    ) -> None:
        """Enable, disable or revoke an access (the own login cannot be switched off here)."""
        account = self._owner(caller, credentials)
        try:
            new_state = AccessState(_text(state))
        except ValueError:
            raise Refused("the state is enabled, disabled or revoked") from None
        if _text(name) == OWN_LOGIN:
            raise Refused("the account's own login cannot be switched off from the console")
        accesses.set_access_state(self._units, account.email, _text(name), new_state)

    def rotatesecret(self, caller: Caller, credentials: CallCredentials, name: Raw) -> NewAccess:
        """A new secret for an access (the old one stops working at once)."""
        account = self._owner(caller, credentials)
        return accesses.rotate_secret(self._units, self._passwords, account.email, _text(name))

    def ipfilters(self, caller: Caller, credentials: CallCredentials) -> networks.IpFilters:
        """The account's IP filter and its accesses' (the owner's)."""
        account = self._owner(caller, credentials)
        return networks.ip_filters(self._units, account.email)

    def allownetwork(
        self, caller: Caller, credentials: CallCredentials, network: Raw, access: Raw = None
    ) -> list[str]:
        """Add an address or network to the account's filter, or to an access's."""
        account = self._owner(caller, credentials)
        checked = inputs.network(_text(network))
        return networks.allow_network(self._units, account.email, checked, _text(access) or None)

    def denynetwork(
        self, caller: Caller, credentials: CallCredentials, network: Raw, access: Raw = None
    ) -> list[str]:
        """Remove an address or network from a filter (written as it is stored or not)."""
        account = self._owner(caller, credentials)
        checked = inputs.network(_text(network))
        return networks.deny_network(self._units, account.email, checked, _text(access) or None)

    # The address form's city search

    def findcities(
        self, caller: Caller, credentials: CallCredentials, countrycode: Raw, prefix: Raw
    ) -> list[tuple[int, str]]:
        """A country's cities whose name starts with ``prefix``: (cityid, name), by name.

        The country code is read in any case; an empty prefix finds none.
        """
        self.whoami(caller, credentials)
        code, start = _text(countrycode).strip().upper(), _text(prefix).strip()
        if len(code) != 2 or not start or len(start) > MAX_LENGTH["cityname"]:
            return []
        if not (xml_safe(code) and xml_safe(start)):
            return []  # no city has such a name (and PostgreSQL refuses a NUL)
        return catalogue.find_cities(self._units, code, start, CITY_MATCHES)

    def cityname(
        self, caller: Caller, credentials: CallCredentials, countrycode: Raw, cityid: Raw
    ) -> str | None:
        """The catalogue's name of city ``cityid`` of that country, or None if it has none."""
        self.whoami(caller, credentials)
        try:
            number = integer(cityid)
        except UserApiError:
            return None
        code = _text(countrycode).strip().upper()
        if not 0 < number <= INT32_MAX or len(code) != 2 or not xml_safe(code):
            return None
        return catalogue.city_name(self._units, code, number)

    # Records

    def usage(self, caller: Caller, credentials: CallCredentials) -> list[Any]:
        """Calls per access, day, API and method (an access's login: its own)."""
        signed_in = self.whoami(caller, credentials)
        rows = apilog.usage(self._units, signed_in.account.email)
        if signed_in.owner:
            return rows
        own = {a.name for a in self.accesses(caller, credentials)}
        return [row for row in rows if row[0] in own]

    def apilog(
        self,
        caller: Caller,
        credentials: CallCredentials,
        filters: apilog.LogFilters,
    ) -> apilog.LogPage:
        """A page of the API log, newest first (an access's login: its own calls)."""
        signed_in = self.whoami(caller, credentials)
        access_id = None if signed_in.owner else signed_in.account.access_id
        return apilog.log_page(self._units, signed_in.account.id, access_id, filters, LOG_PAGE)

    def apilogentry(
        self, caller: Caller, credentials: CallCredentials, entry: int
    ) -> dict[str, Any]:
        """One API log entry of the account (an access's login: of its own calls)."""
        signed_in = self.whoami(caller, credentials)
        access_id = None if signed_in.owner else signed_in.account.access_id
        found = apilog.log_entry(self._units, signed_in.account.id, access_id, entry)
        if found is None:
            raise Refused("there is no such entry in your API log")
        return found
