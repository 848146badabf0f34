"""The credential check that opens every call, with the documented precedence.

MISSING_USER, MISSING_PASSWORD, then a throttling block (before the password is
looked at), then INCORRECT_USER_PASSWORD.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from ..contract import MAX_LENGTH
from ..domain.access import AccessState
from ..domain.caller import Caller
from ..domain.credentials import (
    CallCredentials,
    PasswordCredentials,
    SessionCredentials,
    TokenCredentials,
)
from ..domain.ip import parse_ip, parse_network
from ..domain.login import AccountRecord
from ..domain.session import ConsoleSessionRecord, SessionPolicy
from ..domain.throttle import ThrottleKey, login_keys
from ..domain.values import is_blank, xml_safe
from ..errors import ErrorCode, UserApiError
from ..store.reads import Reads
from .cache import VerifiedCache
from .passwords import Passwords
from .replay import ReplayGuard, carries_freshness
from .sessions import token_digest, usable_token
from .throttle import LoginThrottle
from .tokens import TokenSigner


def normalise_user(user: str) -> str:
    """The form in which account e-mails are stored and compared: trimmed, lower-case."""
    return user.strip().lower()


@dataclass(frozen=True)
class Authenticated:
    """A successful login: the account, and whether earlier failures are to be forgotten."""

    account: AccountRecord
    email: str
    forget_failures: bool
    session: ConsoleSessionRecord | None = None  # the console session it came in with


class LoginFailed(UserApiError):
    """INCORRECT_USER_PASSWORD, with the throttling keys the failure counts under."""

    def __init__(self, keys: tuple[ThrottleKey, ...]) -> None:
        super().__init__(ErrorCode.INCORRECT_USER_PASSWORD)
        self.keys = keys


def _given(credentials: PasswordCredentials) -> tuple[str, str]:
    """The e-mail (normalised) and password, or MISSING_USER / MISSING_PASSWORD."""
    user, password = credentials.user, credentials.password
    if is_blank(user):
        raise UserApiError(ErrorCode.MISSING_USER)
    if is_blank(password):
        raise UserApiError(ErrorCode.MISSING_PASSWORD)
    return normalise_user(str(user)), str(password)


def can_name_a_login(user: str, password: str) -> bool:
    """False for a user or password no account can have: too long, or not carried by XML.

    Such a login is never looked up (PostgreSQL refuses a NUL in a query), yet it
    costs the same verification and counts as a failure like any other.
    """
    return (
        len(user) <= MAX_LENGTH["user"]
        and len(password) <= MAX_LENGTH["password"]
        and xml_safe(user)
        and xml_safe(password)
    )


def _allowed(reads: Reads, account: AccountRecord, source_ip: str) -> bool:
    """True when ``source_ip`` passes the account's filter and the access's (empty: all pass).

    IPv4-mapped IPv6 addresses and networks are matched as the IPv4 ones they carry.
    """
    address = parse_ip(source_ip)
    if address is None:
        return False
    for networks in (
        reads.networks(account.id, None),
        reads.networks(account.id, account.access_id),
    ):
        if networks and not any(address in parse_network(n) for n in networks):
            return False
    return True


class Authenticator:
    """Checks the credentials of a call."""

    def __init__(
        self,
        passwords: Passwords,
        throttle: LoginThrottle,
        cache: VerifiedCache,
        tokens: TokenSigner,
        replay: ReplayGuard,
        sessions: SessionPolicy,
    ) -> None:
        self._passwords = passwords
        self.throttle = throttle
        self._cache = cache
        self.tokens = tokens
        self.replay = replay
        self.sessions = sessions

    def admit(self, caller: Caller, credentials: PasswordCredentials) -> None:
        """A UsernameToken's Created and Nonce, checked before the call's transaction.

        In the documented precedence: MISSING_USER and MISSING_PASSWORD, then a
        throttling block, and only then the header (INVALID_SECURITY_HEADER), so
        a blocked source never gets a nonce written.
        """
        if not carries_freshness(credentials):
            return
        email, _ = _given(credentials)
        self.throttle.refuse_blocked(login_keys(email, caller.source_ip))
        self.replay.admit(credentials)

    def authenticate(
        self, reads: Reads, caller: Caller, credentials: CallCredentials
    ) -> Authenticated:
        """The login the credentials open, or the first failing check's code.

        After the credentials: the account and the access must be enabled
        (ACCESS_DISABLED), then the caller's address must pass the account's and
        the access's IP filters (IP_NOT_ALLOWED). Both come after the password, so
        they tell nothing to someone who does not have it.
        """
        if isinstance(credentials, TokenCredentials):
            login = self._with_token(reads, credentials)
        elif isinstance(credentials, SessionCredentials):
            login = self._with_session(reads, credentials)
        else:
            login = self._with_password(reads, caller, credentials)
        account = login.account
        if account.account_disabled or account.access_state is not AccessState.ENABLED:
            raise UserApiError(ErrorCode.ACCESS_DISABLED)
        if account.ip_filtered and not _allowed(reads, account, caller.source_ip):
            raise UserApiError(ErrorCode.IP_NOT_ALLOWED)
        return login

    def _with_token(self, reads: Reads, credentials: TokenCredentials) -> Authenticated:
        """A token must be valid and issued under the account's current password."""
        if credentials.token is None or credentials.token.strip() == "":
            raise UserApiError(ErrorCode.MISSING_TOKEN)
        claims = self.tokens.verify(credentials.token.strip())
        account = reads.login_record(claims.login)
        if account is None or not hmac.compare_digest(
            self.tokens.fingerprint(account.password_hash), claims.fingerprint
        ):
            raise UserApiError(ErrorCode.INVALID_TOKEN)
        return Authenticated(account, claims.login, forget_failures=False)

    def _with_session(self, reads: Reads, credentials: SessionCredentials) -> Authenticated:
        """A console session must exist, be neither idle nor too old, and its login's
        password must still be the one it signed in with (SESSION_EXPIRED otherwise)."""
        token = usable_token(credentials.token)
        session = None if token is None else reads.console_session(token_digest(token))
        if session is None or self.sessions.ended(session, datetime.now(UTC)):
            raise UserApiError(ErrorCode.SESSION_EXPIRED)
        account = reads.login_record(session.login)
        if (
            account is None
            or account.id != session.account_id
            or not hmac.compare_digest(
                self.tokens.fingerprint(account.password_hash), session.password_fingerprint
            )
        ):
            raise UserApiError(ErrorCode.SESSION_EXPIRED)
        return Authenticated(account, session.login, forget_failures=False, session=session)

    def _with_password(
        self, reads: Reads, caller: Caller, credentials: PasswordCredentials
    ) -> Authenticated:
        """The login a user and password open, or the first failing check's code.

        A blank user or password counts as not included. The password is taken
        as sent, never trimmed. Values no account can have are never looked up,
        and an unknown user costs exactly the one Argon2 verification a known
        user with a wrong password costs: timing never tells whether it exists.
        """
        email, secret = _given(credentials)
        keys = login_keys(email, caller.source_ip)
        # An empty name matches no account.
        looked_up = email if can_name_a_login(email, secret) else ""
        state, account = reads.login_state(looked_up, keys)
        forget_failures = self.throttle.check(state)
        if account is not None and self._cache.verified(email, secret, account.password_hash):
            return Authenticated(account, email, forget_failures)
        # Verified whether or not an account was found (None: against a dummy hash).
        stored = None if account is None else account.password_hash
        verified = self._passwords.verify(stored, secret)
        if account is None or not verified:
            raise LoginFailed(keys)
        self._cache.remember(email, secret, account.password_hash)
        return Authenticated(account, email, forget_failures)
