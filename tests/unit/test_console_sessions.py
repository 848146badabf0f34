"""The console's session and form-token rules, and sessions checked against the real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from service.application.accounts import set_password, switch_account
from service.auth.credentials import Authenticated
from service.auth.sessions import FormTokens, new_token, token_digest, usable_token
from service.domain.credentials import PasswordCredentials, SessionCredentials
from service.domain.session import ConsoleSessionRecord, SessionPolicy
from service.errors import ErrorCode, UserApiError
from service.store import models
from tests.conftest import CALLER, Store

SIGNED_IN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(minutes=30))


def session(
    created_at: datetime = SIGNED_IN, last_seen_at: datetime = SIGNED_IN
) -> ConsoleSessionRecord:
    return ConsoleSessionRecord(
        "digest", 1, "a@example.com", "fingerprint", created_at, last_seen_at, "192.0.2.10"
    )


# SessionPolicy


def test_a_session_in_use_has_not_ended() -> None:
    assert not POLICY.ended(session(), SIGNED_IN + timedelta(minutes=29, seconds=59))


def test_a_session_idle_for_the_timeout_has_ended() -> None:
    assert POLICY.ended(session(), SIGNED_IN + timedelta(minutes=30))


def test_a_busy_session_ends_twelve_hours_after_sign_in() -> None:
    now = SIGNED_IN + timedelta(hours=12)
    assert not POLICY.ended(
        session(last_seen_at=now - timedelta(minutes=1)), now - timedelta(seconds=1)
    )
    assert POLICY.ended(session(last_seen_at=now - timedelta(minutes=1)), now)


def test_a_clock_set_back_ends_the_session() -> None:
    # A few minutes' difference between hosts' clocks is tolerated.
    assert not POLICY.ended(session(), SIGNED_IN - timedelta(minutes=4))
    assert POLICY.ended(session(), SIGNED_IN - timedelta(minutes=6))


def test_the_last_use_is_written_again_after_a_minute() -> None:
    assert not POLICY.stale(session(), SIGNED_IN + timedelta(seconds=59))
    assert POLICY.stale(session(), SIGNED_IN + timedelta(minutes=1))


def test_a_short_idle_timeout_writes_the_last_use_more_often() -> None:
    policy = SessionPolicy(idle=timedelta(seconds=100))
    assert not policy.stale(session(), SIGNED_IN + timedelta(seconds=9))
    assert policy.stale(session(), SIGNED_IN + timedelta(seconds=10))


# Session tokens


def test_new_tokens_are_usable_and_distinct() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(usable_token(token) == token and len(token) == 43 for token in tokens)


def test_the_stored_digest_is_the_sha256_of_the_token() -> None:
    assert token_digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "a" * 129,
        "has space",
        "semi;colon",
        'quote"',
        "tab\t",
        "ünïcode",
        "٣٣٣",
        "a=b",
        "a.b",
    ],
)
def test_odd_cookie_values_are_no_token(value: str | None) -> None:
    assert usable_token(value) is None


def test_the_longest_usable_cookie_value() -> None:
    assert usable_token("a" * 128) == "a" * 128


# Form tokens


def tokens(key: str = "key") -> FormTokens:
    return FormTokens(lambda text: f"{key}({text})")


def test_session_and_sign_in_tokens_differ_for_the_same_value() -> None:
    value = new_token()
    assert tokens().for_session(value) != tokens().for_signin(value)


def test_a_form_token_belongs_to_one_session() -> None:
    mine, other = new_token(), new_token()
    expected = tokens().for_session(mine)
    assert FormTokens.matches(expected, tokens().for_session(mine))
    assert not FormTokens.matches(expected, tokens().for_session(other))
    assert not FormTokens.matches(expected, tokens("another key").for_session(mine))


def test_a_form_token_is_built_from_the_session_digest_not_the_token() -> None:
    value = new_token()
    assert value not in tokens().for_session(value)
    assert token_digest(value) in tokens().for_session(value)


@pytest.mark.parametrize("given", [None, "", "x", "ünïcode"])
def test_a_missing_or_wrong_form_token_does_not_match(given: str | None) -> None:
    assert not FormTokens.matches(tokens().for_signin("nonce"), given)


# Sessions against the store, through Authenticator.authenticate


def signed_in(store: Store) -> tuple[str, str, str]:
    """A new account signed in to the console: (user, password, session token)."""
    user, password = store.account()
    started = store.core.console.signin(CALLER, PasswordCredentials(user, password))
    return user, password, started.token


def authenticate(store: Store, token: str | None) -> Authenticated:
    with store.core.units.reading() as uow:
        return store.core.authenticator.authenticate(uow.reads, CALLER, SessionCredentials(token))


def refused(store: Store, token: str | None) -> ErrorCode:
    with pytest.raises(UserApiError) as raised:
        authenticate(store, token)
    return raised.value.code


def test_a_session_opens_its_account(store: Store) -> None:
    user, _, token = signed_in(store)
    login = authenticate(store, token)
    assert login.email == user and login.account.email == user
    assert login.session is not None and login.session.digest == token_digest(token)


@pytest.mark.parametrize("token", [None, "", "not a token", "x" * 500])
def test_an_odd_cookie_is_an_expired_session(store: Store, token: str | None) -> None:
    assert refused(store, token) is ErrorCode.SESSION_EXPIRED


def test_an_unknown_token_is_an_expired_session(store: Store) -> None:
    assert refused(store, new_token()) is ErrorCode.SESSION_EXPIRED


def test_an_idle_session_has_expired(store: Store) -> None:
    _, _, token = signed_in(store)
    idle = store.core.settings.console_idle_seconds
    sessions = models.ConsoleSession
    with store.core.units.writing() as uow:
        uow.session.execute(
            update(sessions)
            .where(sessions.digest == token_digest(token))
            .values(last_seen_at=datetime.now(UTC) - timedelta(seconds=idle + 1))
        )
        uow.commit()
    assert refused(store, token) is ErrorCode.SESSION_EXPIRED


def test_a_session_ended_by_sign_out_has_expired(store: Store) -> None:
    _, _, token = signed_in(store)
    store.core.console.signout(CALLER, SessionCredentials(token))
    assert refused(store, token) is ErrorCode.SESSION_EXPIRED


def test_a_password_changed_after_sign_in_ends_the_session(store: Store) -> None:
    user, _, token = signed_in(store)
    set_password(store.core.units, store.core.passwords, user, "a brand new password")
    assert refused(store, token) is ErrorCode.SESSION_EXPIRED


def test_a_disabled_account_refuses_its_session(store: Store) -> None:
    user, _, token = signed_in(store)
    switch_account(store.core.units, user, disabled=True)
    assert refused(store, token) is ErrorCode.ACCESS_DISABLED
    switch_account(store.core.units, user, disabled=False)
    assert authenticate(store, token).email == user
