"""Throttling rules and the verified-credential cache, against a real database."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from service.auth.cache import VerifiedCache
from service.auth.credentials import Authenticator, LoginFailed
from service.auth.passwords import Passwords
from service.auth.throttle import LoginThrottle, now_utc
from service.domain.caller import Caller
from service.domain.credentials import PasswordCredentials
from service.domain.throttle import KEY_LENGTH, ThrottleKey, login_keys
from service.errors import ErrorCode, UserApiError
from service.settings import Argon2Parameters, ThrottleSettings
from tests.conftest import Store


def _stored_source(source_ip: str) -> str:
    return ThrottleKey.of_source(source_ip).stored


def _stored_account(email: str, source_ip: str) -> str:
    return ThrottleKey.of_account(email, source_ip).stored


def test_address_keys() -> None:
    assert _stored_source("203.0.113.5") == "ip:203.0.113.5"
    # One IPv6 host usually owns a /64: rotating within it does not reset the count.
    assert _stored_source("2001:db8:1:2:aaaa::1") == _stored_source("2001:db8:1:2:bbbb::2")
    assert _stored_source("2001:db8:1:2::1") == "ip:2001:db8:1:2::/64"
    assert _stored_account("a@example.com", "203.0.113.5") == "user:a@example.com|203.0.113.5"
    # A dual-stack socket's IPv4 client is that IPv4 client, not one /64 for all of them.
    assert _stored_source("::ffff:203.0.113.5") == "ip:203.0.113.5"
    assert (
        _stored_account("a@example.com", "::ffff:203.0.113.5") == "user:a@example.com|203.0.113.5"
    )
    assert _stored_source("fe80::1%eth0") == "ip:fe80::/64"


@pytest.mark.parametrize(
    "key",
    [
        ThrottleKey.of_source("203.0.113.5"),
        ThrottleKey.of_source("2001:db8:1:2::1"),
        ThrottleKey.of_source("not an address"),
        ThrottleKey.of_account("a@example.com", "203.0.113.5"),
        ThrottleKey.of_account("a|b@example.com", "2001:db8:1:2::1"),
        ThrottleKey.of_account("x" * 5000, "203.0.113.5"),
    ],
)
def test_a_stored_key_reads_back_as_itself(key: ThrottleKey) -> None:
    assert ThrottleKey.parse(key.stored) == key


def test_a_stored_text_that_is_no_key_is_refused() -> None:
    with pytest.raises(ValueError):
        ThrottleKey.parse("acct:a@example.com")


@pytest.mark.parametrize(
    "user",
    ["a\x00b@example.com", "\x1b[31m@example.com", "\ud800@example.com", "x" * 5000],
)
def test_any_user_gives_keys_that_can_be_stored(store: Store, user: str) -> None:
    keys = login_keys(user, "203.0.113.77")
    assert all(len(key.stored) <= KEY_LENGTH and "\x00" not in key.stored for key in keys)
    throttle = LoginThrottle(store.core.units, ThrottleSettings())
    throttle.failed(keys)
    with store.core.units.reading() as uow:
        assert uow.reads.login_state("", keys)[0].account_failures >= 1


def _fresh_keys() -> tuple[ThrottleKey, ThrottleKey]:
    source = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    return login_keys(f"{uuid.uuid4().hex}@example.com", source)


def test_blocks_double(store: Store) -> None:
    policy = ThrottleSettings(account_failures=2, address_failures=100, block_seconds=10)
    throttle = LoginThrottle(store.core.units, policy)
    keys = _fresh_keys()
    for _ in range(2):
        throttle.failed(keys)
    with store.core.units.reading() as uow:
        assert throttle.check(uow.reads.login_state("", keys)[0]) is True  # failures, no block
    blocks = []
    for _ in range(3):
        throttle.failed(keys)
        with store.core.units.reading() as uow:
            [record] = [r for r in uow.listings.throttle_records() if r.key == keys[1]]
            assert record.blocked_until is not None
            blocks.append((record.blocked_until - now_utc()).total_seconds())
            with pytest.raises(UserApiError) as caught:
                throttle.check(uow.reads.login_state("", keys)[0])
            assert caught.value.code is ErrorCode.TOO_MANY_ATTEMPTS
            assert caught.value.retry_after is not None and caught.value.retry_after >= 1
    assert [round(b / 10) for b in blocks] == [1, 2, 4]


def test_an_old_window_starts_again(store: Store) -> None:
    policy = ThrottleSettings(account_failures=2, address_failures=100, window_seconds=60)
    throttle = LoginThrottle(store.core.units, policy)
    keys = _fresh_keys()
    throttle.failed(keys)
    throttle.failed(keys)
    with store.core.units.writing() as uow:
        for record in [r for r in uow.listings.throttle_records() if r.key in keys]:
            old = record.window_start - timedelta(seconds=61)
            uow.throttle.save(replace(record, window_start=old, blocked_until=None))
        uow.commit()
    throttle.failed(keys)  # would be the third in the window: a block
    with store.core.units.reading() as uow:
        records = {r.key: r for r in uow.listings.throttle_records() if r.key in keys}
    assert records[keys[1]].failures == 1 and records[keys[1]].blocked_until is None


class CountingPasswords(Passwords):
    """Real Argon2, counting how often it runs."""

    def __init__(self) -> None:
        super().__init__(Argon2Parameters(time_cost=1, memory_kib=64, parallelism=1))
        self.verifications = 0

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.verifications += 1
        return super().verify(password_hash, password)


def counting_authenticator(store: Store) -> tuple[CountingPasswords, Authenticator]:
    """An authenticator on the store whose password verifications are counted."""
    passwords = CountingPasswords()
    authenticator = Authenticator(
        passwords,
        LoginThrottle(store.core.units, ThrottleSettings()),
        VerifiedCache(b"k" * 32, max_entries=100, ttl_seconds=300),
        store.core.authenticator.tokens,
        store.core.authenticator.replay,
        store.core.authenticator.sessions,
    )
    return passwords, authenticator


def test_cache_skips_argon2_until_the_password_changes(store: Store) -> None:
    passwords, authenticator = counting_authenticator(store)
    user, password = store.account()
    caller = Caller("192.0.2.44")

    def login(secret: str) -> int:
        with store.core.units.reading() as uow:
            login = PasswordCredentials(user, secret)
            return authenticator.authenticate(uow.reads, caller, login).account.id

    first = login(password)
    login(password)
    login(password)
    assert passwords.verifications == 1
    # A wrong password is never answered from the cache.
    for _ in range(2):
        with pytest.raises(UserApiError):
            login("wrong")
    assert passwords.verifications == 3
    # A new password: the cached pair no longer matches the stored hash.
    with store.core.units.writing() as uow:
        uow.accounts.set_password_hash(user, store.core.passwords.hash("new-password-1"))
        uow.commit()
    with pytest.raises(UserApiError):
        login(password)
    assert login("new-password-1") == first


@pytest.mark.parametrize(
    ("user", "password"),
    [
        ("known", "wrong"),
        ("nobody-{}@example.com", "wrong"),
        ("x" * 255, "wrong"),  # longer than any account's e-mail
        ("known", "p" * 257),  # longer than any password
        ("nul\x00{}@example.com", "wrong"),  # PostgreSQL cannot even be asked about it
        ("known", "esc\x1b"),
        ("esc\x1b{}@example.com", "wrong"),
    ],
)
def test_every_failed_login_costs_one_verification(store: Store, user: str, password: str) -> None:
    """An unknown or impossible user costs what a wrong password costs: one Argon2 check."""
    passwords, authenticator = counting_authenticator(store)
    known, _ = store.account()
    user = known if user == "known" else user.format(uuid.uuid4().hex)
    with store.core.units.reading() as uow, pytest.raises(LoginFailed) as caught:
        authenticator.authenticate(
            uow.reads, Caller("192.0.2.45"), PasswordCredentials(user, password)
        )
    assert caught.value.code is ErrorCode.INCORRECT_USER_PASSWORD
    assert passwords.verifications == 1
    authenticator.throttle.failed(caught.value.keys)  # what the call does next: it is counted


def test_cache_keeps_no_password() -> None:
    cache = VerifiedCache(b"s" * 32, max_entries=100, ttl_seconds=300)
    cache.remember("a@example.com", "Sekr1t-in-memory", "$argon2id$hash")
    stored = repr(cache._entries)
    assert "Sekr1t" not in stored and "a@example.com" not in stored
    assert cache.verified("a@example.com", "Sekr1t-in-memory", "$argon2id$hash")
    assert not cache.verified("a@example.com", "Sekr1t-in-memory", "$argon2id$other")
    assert not VerifiedCache(b"s" * 32, max_entries=0, ttl_seconds=300).verified("a", "b", "c")
