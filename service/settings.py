"""Configuration: one typed settings object, read from the environment once at start-up."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .domain.ip import parse_ip, parse_network


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


DEFAULT_DATABASE_URL = "sqlite:///var/usermanagement.sqlite3"
# The longest API log retention, in days (a century).
MAX_RETENTION_DAYS = 36_500


def _int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


@dataclass(frozen=True)
class Argon2Parameters:
    """Cost of a new password hash; existing hashes keep the parameters they were made with."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


@dataclass(frozen=True)
class ThrottleSettings:
    """Failed-login limits (see service/auth/throttle.py)."""

    account_failures: int = 10
    address_failures: int = 50
    window_seconds: int = 900
    block_seconds: int = 60
    max_block_seconds: int = 3600


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    # Public URL written into the WSDL's soap:address; empty means "the URL the client used".
    public_url: str = ""
    # Peers (addresses or networks) whose X-Forwarded-* headers are believed.
    trusted_proxies: tuple[str, ...] = ()
    max_addresses: int = 100
    city_population_cutoff: int = 500
    argon2: Argon2Parameters = field(default_factory=Argon2Parameters)
    log_level: str = "INFO"
    max_body_bytes: int = 64 * 1024
    # Seconds for each read of a request, and for its head and its body each.
    read_timeout: float = 2.0
    request_timeout: float = 4.0
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    # Keys the credential cache's HMAC and signs tokens; None: a random key per
    # process for the cache, one stored in the database for tokens.
    secret_key: bytes | None = field(default=None, repr=False)
    token_seconds: int = 900
    api_log: bool = True
    api_log_mask_personal: bool = False
    api_log_flush_seconds: int = 1
    api_log_max_pending: int = 10_000
    api_log_retention_days: int = 90
    credential_cache_size: int = 10_000
    credential_cache_seconds: int = 300
    # Plain-shaped getbalance/getaddresses/getchannels calls skip Spyne (soap/fastpath.py).
    soap_fast_path: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``env`` (the process environment by default)."""
        env = os.environ if env is None else env
        log_level = env.get("USERAPI_LOG_LEVEL", "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError(f"USERAPI_LOG_LEVEL must be a logging level, got {log_level!r}")
        cutoff = _int(env, "USERAPI_CITY_POPULATION_CUTOFF", 500, 0, 10**9)
        if cutoff not in (500, 1000, 5000, 15000):
            raise SettingsError("USERAPI_CITY_POPULATION_CUTOFF must be 500, 1000, 5000 or 15000")
        public_url = env.get("USERAPI_PUBLIC_URL", "").strip()
        if public_url and not public_url.startswith(("http://", "https://")):
            raise SettingsError("USERAPI_PUBLIC_URL must start with http:// or https://")
        trusted_proxies = _list(env, "USERAPI_TRUSTED_PROXIES")
        for network in trusted_proxies:
            try:
                ipaddress.ip_network(network)
            except ValueError:
                raise SettingsError(
                    f"USERAPI_TRUSTED_PROXIES: {network!r} is not an IP address or network"
                ) from None
        secret_key = env.get("USERAPI_SECRET_KEY", "")
        if secret_key and len(secret_key) < 32:
            raise SettingsError("USERAPI_SECRET_KEY must have at least 32 characters")
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            public_url=public_url,
            trusted_proxies=trusted_proxies,
            max_addresses=_int(env, "USERAPI_MAX_ADDRESSES", 100, 1, 100_000),
            city_population_cutoff=cutoff,
            argon2=Argon2Parameters(
                time_cost=_int(env, "USERAPI_ARGON2_TIME_COST", 3, 1, 100),
                memory_kib=_int(env, "USERAPI_ARGON2_MEMORY_KIB", 65536, 8, 4 * 1024 * 1024),
                parallelism=_int(env, "USERAPI_ARGON2_PARALLELISM", 4, 1, 64),
            ),
            log_level=log_level,
            max_body_bytes=_int(env, "USERAPI_MAX_BODY_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
            read_timeout=_int(env, "USERAPI_READ_TIMEOUT", 2, 1, 60),
            request_timeout=_int(env, "USERAPI_REQUEST_TIMEOUT", 4, 1, 300),
            throttle=ThrottleSettings(
                account_failures=_int(env, "USERAPI_THROTTLE_ACCOUNT_FAILURES", 10, 1, 10_000),
                address_failures=_int(env, "USERAPI_THROTTLE_ADDRESS_FAILURES", 50, 1, 100_000),
                window_seconds=_int(env, "USERAPI_THROTTLE_WINDOW", 900, 1, 86_400),
                block_seconds=_int(env, "USERAPI_THROTTLE_BLOCK", 60, 1, 86_400),
                max_block_seconds=_int(env, "USERAPI_THROTTLE_MAX_BLOCK", 3600, 1, 7 * 86_400),
            ),
            secret_key=secret_key.encode() if secret_key else None,
            token_seconds=_int(env, "USERAPI_TOKEN_SECONDS", 900, 30, 86_400),
            api_log=_int(env, "USERAPI_API_LOG", 1, 0, 1) == 1,
            api_log_mask_personal=_int(env, "USERAPI_API_LOG_MASK_PERSONAL", 0, 0, 1) == 1,
            api_log_flush_seconds=_int(env, "USERAPI_API_LOG_FLUSH_SECONDS", 1, 1, 60),
            api_log_max_pending=_int(env, "USERAPI_API_LOG_MAX_PENDING", 10_000, 10, 10**6),
            api_log_retention_days=_int(
                env, "USERAPI_API_LOG_RETENTION_DAYS", 90, 1, MAX_RETENTION_DAYS
            ),
            credential_cache_size=_int(env, "USERAPI_CREDENTIAL_CACHE_SIZE", 10_000, 0, 10**7),
            credential_cache_seconds=_int(env, "USERAPI_CREDENTIAL_CACHE_SECONDS", 300, 1, 86_400),
            soap_fast_path=_int(env, "USERAPI_SOAP_FAST_PATH", 1, 0, 1) == 1,
        )

    def is_trusted_proxy(self, address: str) -> bool:
        """True when ``address`` (a peer's IP) is one of the trusted proxies."""
        peer = parse_ip(address)
        if peer is None:
            return False
        return any(peer in parse_network(network) for network in self.trusted_proxies)
