"""Throttling rules and the verified-credential cache, against a real database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from service.auth.cache import VerifiedCache
from service.auth.credentials import Authenticator
from service.auth.passwords import Passwords
from service.auth.throttle import LoginThrottle, account_key, address_key, now_utc
from service.domain.caller import Caller
from service.domain.credentials import PasswordCredentials
from service.errors import ErrorCode, UserApiError
from service.settings import Argon2Parameters, ThrottleSettings
from tests.conftest import Store


def test_address_keys() -> None:
    assert address_key("203.0.113.5") == "ip:203.0.113.5"
    # One IPv6 host usually owns a /64: rotating within it does not reset the count.
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2")
    assert address_key("2001:db8:1:2::1") == "ip:2001:db8:1:2::/64"
    assert account_key("a@example.com", "203.0.113.5") == "user:a@example.com|203.0.113.5"


def _fresh_keys() -> tuple[str, ...]:
    source = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    return (address_key(source), account_key(f"{uuid.uuid4().hex}@example.com", source))


def test_blocks_double(store: Store) -> None:
    policy = ThrottleSettings(account_failures=2, address_failures=100, block_seconds=10)
    throttle = LoginThrottle(store.core.units, policy)
    keys = _fresh_keys()
    for _ in range(2):
        throttle.failed(keys)
    with store.core.units.reading() as uow:
        assert throttle.check(uow.repository.login_state("", keys)[0]) is True  # failures, no block
    blocks = []
    for _ in range(3):
        throttle.failed(keys)
        with store.core.units.reading() as uow:
            [record] = [r for r in uow.repository.all_throttle_records() if r.key == keys[1]]
            blocks.append((record.blocked_until - now_utc()).total_seconds())
            with pytest.raises(UserApiError) as caught:
                throttle.check(uow.repository.login_state("", keys)[0])
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
        for record in [r for r in uow.repository.all_throttle_records() if r.key in keys]:
            old = record.window_start - timedelta(seconds=61)
            uow.repository.save_throttle_record(
                type(record)(record.key, record.failures, old, None)
            )
        uow.commit()
    throttle.failed(keys)  # would be the third in the window: a block
    with store.core.units.reading() as uow:
        records = {r.key: r for r in uow.repository.all_throttle_records() if r.key in keys}
    assert records[keys[1]].failures == 1 and records[keys[1]].blocked_until is None


class CountingPasswords(Passwords):
    """Real Argon2, counting how often it runs."""

    def __init__(self) -> None:
        super().__init__(Argon2Parameters(time_cost=1, memory_kib=64, parallelism=1))
        self.verifications = 0

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.verifications += 1
        return super().verify(password_hash, password)


def test_cache_skips_argon2_until_the_password_changes(store: Store) -> None:
    passwords = CountingPasswords()
    throttle = LoginThrottle(store.core.units, ThrottleSettings())
    authenticator = Authenticator(
        passwords,
        throttle,
        VerifiedCache(b"k" * 32),
        store.core.authenticator.tokens,
        store.core.authenticator.replay,
    )
    user, password = store.account()
    caller = Caller("192.0.2.44")

    def login(secret: str) -> int:
        with store.core.units.reading() as uow:
            login = PasswordCredentials(user, secret)
            return authenticator.authenticate(uow.repository, caller, login).account.id

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
        uow.repository.set_password_hash(user, store.core.passwords.hash("new-password-1"))
        uow.commit()
    with pytest.raises(UserApiError):
        login(password)
    assert login("new-password-1") == first


def test_cache_keeps_no_password() -> None:
    cache = VerifiedCache(b"s" * 32)
    cache.remember("a@example.com", "Sekr1t-in-memory", "$argon2id$hash")
    stored = repr(cache._entries)
    assert "Sekr1t" not in stored and "a@example.com" not in stored
    assert cache.verified("a@example.com", "Sekr1t-in-memory", "$argon2id$hash")
    assert not cache.verified("a@example.com", "Sekr1t-in-memory", "$argon2id$other")
    assert not VerifiedCache(b"s" * 32, max_entries=0).verified("a", "b", "c")
