"""Configuration: one typed settings object, read from the environment once at start-up.

``SETTINGS`` declares each environment variable once: its name, the ``Settings``
attribute it fills, its default, its bounds and its meaning. ``Settings.from_env``
validates from it, the dataclasses below take their defaults from it, and
``./dev contract`` writes README.md's Configuration table from it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import unquote, urlsplit

from .domain.ip import parse_ip, parse_network


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    """One environment variable and the rule it is read by."""

    name: str
    # Where Settings keeps the value: an attribute, or group.attribute.
    attribute: str
    default: Any
    # The README's Meaning column; consecutive settings with the same meaning share a row.
    meaning: str
    # Turns the variable's text (when it is set) into the value, or raises SettingsError.
    read: Callable[[Setting, str], Any]
    minimum: int = 0
    maximum: int = 0
    choices: tuple[Any, ...] = ()


def _number(name: str, raw: str, minimum: int, maximum: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _whole(setting: Setting, raw: str) -> int:
    """A whole number within the bounds (and one of the choices, if any); blank: the default."""
    if raw.strip() == "":
        return setting.default
    value = _number(setting.name, raw, setting.minimum, setting.maximum)
    if setting.choices and value not in setting.choices:
        *first, last = setting.choices
        raise SettingsError(f"{setting.name} must be {', '.join(map(str, first))} or {last}")
    return value


def _flag(setting: Setting, raw: str) -> bool:
    """1 (on) or 0 (off); blank: the default."""
    if raw.strip() == "":
        return setting.default
    return _number(setting.name, raw, 0, 1) == 1


def _text(setting: Setting, raw: str) -> str:
    """Any text, trimmed; blank: the default."""
    return raw.strip() or setting.default


def _level(setting: Setting, raw: str) -> str:
    level = raw.upper()
    if level not in setting.choices:
        raise SettingsError(f"{setting.name} must be a logging level, got {level!r}")
    return level


def _choice(setting: Setting, raw: str) -> str:
    value = raw.strip().lower() or setting.default
    if value not in setting.choices:
        *first, last = setting.choices
        raise SettingsError(f"{setting.name} must be {', '.join(first)} or {last}, got {value!r}")
    return value


class Engine(StrEnum):
    """A serving engine ``serve`` can run (service/engines)."""

    GRANIAN = "granian"
    GUNICORN = "gunicorn"


def _engine(setting: Setting, raw: str) -> Engine:
    name = raw.strip().lower() or setting.default
    try:
        return Engine(name)
    except ValueError:
        raise SettingsError(f"{setting.name} must be granian or gunicorn, got {name!r}") from None


# The stores and the one PostgreSQL driver this service is built and tested for.
_DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgres", "postgresql", "postgresql+psycopg")


def _database_url(setting: Setting, raw: str) -> str:
    """A SQLite or PostgreSQL URL; anything else is named by its scheme, never echoed whole."""
    url = raw.strip() or setting.default
    scheme, separator, _ = url.partition("://")
    if not separator or scheme not in _DATABASE_SCHEMES:
        got = f"a {scheme}:// URL" if separator and scheme.isprintable() else "no database URL"
        raise SettingsError(
            f"{setting.name} must be sqlite:///PATH or postgresql://USER@HOST:PORT/NAME, got {got}"
        )
    try:
        urlsplit(url).port  # noqa: B018 (reading it checks the host and port)
    except ValueError:
        raise SettingsError(
            f"{setting.name}: the host and port of the {scheme}:// URL cannot be read "
            "(HOST:PORT, [IPv6]:PORT, the port a number up to 65535)"
        ) from None
    if "\x00" in unquote(url):
        raise SettingsError(f"{setting.name}: the {scheme}:// URL holds a NUL character")
    return url


def _base_url(setting: Setting, raw: str) -> str:
    url = raw.strip()
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(f"{setting.name} must start with http:// or https://")
    return url


def _networks(setting: Setting, raw: str) -> tuple[str, ...]:
    networks = tuple(item.strip() for item in raw.split(",") if item.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network)
        except ValueError:
            raise SettingsError(
                f"{setting.name}: {network!r} is not an IP address or network"
            ) from None
    return networks


def _secret(setting: Setting, raw: str) -> bytes | None:
    if raw and len(raw) < setting.minimum:
        raise SettingsError(f"{setting.name} must have at least {setting.minimum} characters")
    return raw.encode() if raw else None


_ARGON2 = "cost of new password hashes (the tests lower them; never do in production)"
_TIMEOUTS = (
    "seconds for each read, and for a request's head and its body each "
    "(the connection is closed, or 408)"
)
_FAILURES = "failed logins allowed per account-from-a-source and per source within the window"
_BLOCKS = "the window, the first block and the longest block, in seconds"
_CACHE = "entries per worker (0 disables) and how long one lasts"
_API_LOG_WRITES = "how often a worker writes its records, and how many may wait"

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "database_url",
        "sqlite:///var/usermanagement.sqlite3",
        "SQLite file (relative to the working directory) or "
        "`postgresql://user:pass@host:5432/db` (driven by psycopg 3)",
        _database_url,
    ),
    Setting("USERAPI_BIND", "bind", "127.0.0.1:8000", "where `serve` listens", _text),
    Setting(
        "USERAPI_ENGINE",
        "engine",
        Engine.GRANIAN,
        "the serving engine `serve` runs: `granian` or `gunicorn` (`--engine` overrides it)",
        _engine,
    ),
    Setting(
        "USERAPI_WORKERS",
        "workers",
        0,
        "worker processes `serve` starts; 0: `WEB_CONCURRENCY` if set, else one per CPU core "
        "under granian and one more under gunicorn (`--workers` overrides it; see Performance)",
        _whole,
        0,
        256,
    ),
    Setting(
        "WEB_CONCURRENCY",
        "web_concurrency",
        0,
        "worker processes, as platforms set it; read when `USERAPI_WORKERS` is 0",
        _whole,
        0,
        256,
    ),
    Setting(
        "USERAPI_PUBLIC_URL",
        "public_url",
        "",
        "base URL written into the WSDL (e.g. `https://soap.example.com`); "
        "empty: the URL the client used",
        _base_url,
    ),
    Setting(
        "USERAPI_TRUSTED_PROXIES",
        "trusted_proxies",
        (),
        "proxies (IPs or networks, comma-separated) whose `X-Forwarded-*` headers are believed",
        _networks,
    ),
    Setting(
        "USERAPI_MAX_ADDRESSES", "max_addresses", 100, "addresses per account", _whole, 1, 100_000
    ),
    Setting(
        "USERAPI_CITY_POPULATION_CUTOFF",
        "city_population_cutoff",
        500,
        "GeoNames cities loaded by `db upgrade`: 500, 1000, 5000 or 15000 inhabitants and up",
        _whole,
        0,
        10**9,
        (500, 1000, 5000, 15000),
    ),
    Setting("USERAPI_ARGON2_TIME_COST", "argon2.time_cost", 3, _ARGON2, _whole, 1, 100),
    Setting(
        "USERAPI_ARGON2_MEMORY_KIB", "argon2.memory_kib", 65536, _ARGON2, _whole, 8, 4 * 1024 * 1024
    ),
    Setting("USERAPI_ARGON2_PARALLELISM", "argon2.parallelism", 4, _ARGON2, _whole, 1, 64),
    Setting(
        "USERAPI_LOG_LEVEL",
        "log_level",
        "INFO",
        "level of the service's own log lines and the engine's (one line per request at INFO)",
        _level,
        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
    ),
    Setting(
        "USERAPI_LOG_FORMAT",
        "log_format",
        "json",
        "`json`: one JSON object per line on stderr; `text`: lines for a person (`demo` uses it)",
        _choice,
        choices=("json", "text"),
    ),
    Setting(
        "USERAPI_MAX_BODY_BYTES",
        "max_body_bytes",
        64 * 1024,
        "largest request body (413 beyond)",
        _whole,
        1024,
        16 * 1024 * 1024,
    ),
    Setting("USERAPI_READ_TIMEOUT", "read_timeout", 2, _TIMEOUTS, _whole, 1, 60),
    Setting("USERAPI_REQUEST_TIMEOUT", "request_timeout", 4, _TIMEOUTS, _whole, 1, 300),
    Setting(
        "USERAPI_THROTTLE_ACCOUNT_FAILURES",
        "throttle.account_failures",
        10,
        _FAILURES,
        _whole,
        1,
        10_000,
    ),
    Setting(
        "USERAPI_THROTTLE_ADDRESS_FAILURES",
        "throttle.address_failures",
        50,
        _FAILURES,
        _whole,
        1,
        100_000,
    ),
    Setting("USERAPI_THROTTLE_WINDOW", "throttle.window_seconds", 900, _BLOCKS, _whole, 1, 86_400),
    Setting("USERAPI_THROTTLE_BLOCK", "throttle.block_seconds", 60, _BLOCKS, _whole, 1, 86_400),
    Setting(
        "USERAPI_THROTTLE_MAX_BLOCK",
        "throttle.max_block_seconds",
        3600,
        _BLOCKS,
        _whole,
        1,
        7 * 86_400,
    ),
    Setting(
        "USERAPI_SECRET_KEY",
        "secret_key",
        None,
        "signs JWTs and keys the credential cache (32+ characters). Unset: tokens are signed "
        "with a random key kept in the database (made on first use, shared by every worker "
        "and host); the cache uses a random key per process",
        _secret,
        32,
    ),
    Setting("USERAPI_TOKEN_SECONDS", "token_seconds", 900, "lifetime of a JWT", _whole, 30, 86_400),
    Setting(
        "USERAPI_CREDENTIAL_CACHE_SIZE", "credential_cache_size", 10_000, _CACHE, _whole, 0, 10**7
    ),
    Setting(
        "USERAPI_CREDENTIAL_CACHE_SECONDS",
        "credential_cache_seconds",
        300,
        _CACHE,
        _whole,
        1,
        86_400,
    ),
    Setting(
        "USERAPI_API_LOG", "api_log", True, "0 turns the API log and connection tracking off", _flag
    ),
    Setting(
        "USERAPI_API_LOG_MASK_PERSONAL",
        "api_log_mask_personal",
        False,
        "1 stores names, document ids and addresses as `[masked]`",
        _flag,
    ),
    Setting(
        "USERAPI_API_LOG_FLUSH_SECONDS", "api_log_flush_seconds", 1, _API_LOG_WRITES, _whole, 1, 60
    ),
    Setting(
        "USERAPI_API_LOG_MAX_PENDING",
        "api_log_max_pending",
        10_000,
        _API_LOG_WRITES,
        _whole,
        10,
        10**6,
    ),
    Setting(
        "USERAPI_API_LOG_RETENTION_DAYS",
        "api_log_retention_days",
        90,
        "what `logs-purge` keeps",
        _whole,
        1,
        36_500,  # a century
    ),
    Setting(
        "USERAPI_CONSOLE_IDLE_SECONDS",
        "console_idle_seconds",
        1800,
        "an account console session ends after this long unused (and 12 hours after sign-in)",
        _whole,
        1,
        86_400,
    ),
    Setting(
        "USERAPI_SIGNUP",
        "signup",
        False,
        "1 lets anyone open an account (balance 0) from the console's sign-up page",
        _flag,
    ),
)

_BY_ATTRIBUTE = {setting.attribute: setting for setting in SETTINGS}


def setting(attribute: str) -> Setting:
    """The declaration of the setting kept in ``attribute`` (e.g. ``"argon2.time_cost"``)."""
    return _BY_ATTRIBUTE[attribute]


def _default(attribute: str) -> Any:
    return _BY_ATTRIBUTE[attribute].default


@dataclass(frozen=True)
class Argon2Parameters:
    """Cost of a new password hash; existing hashes keep the parameters they were made with."""

    time_cost: int = _default("argon2.time_cost")
    memory_kib: int = _default("argon2.memory_kib")
    parallelism: int = _default("argon2.parallelism")


@dataclass(frozen=True)
class ThrottleSettings:
    """Failed-login limits (see service/auth/throttle.py)."""

    account_failures: int = _default("throttle.account_failures")
    address_failures: int = _default("throttle.address_failures")
    window_seconds: int = _default("throttle.window_seconds")
    block_seconds: int = _default("throttle.block_seconds")
    max_block_seconds: int = _default("throttle.max_block_seconds")


_GROUPS = {"argon2": Argon2Parameters, "throttle": ThrottleSettings}


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str = _default("database_url")
    # Where `serve` listens, under which engine, with how many workers (service/engines).
    bind: str = _default("bind")
    engine: Engine = field(default=_default("engine"))
    workers: int = _default("workers")
    web_concurrency: int = _default("web_concurrency")
    # Public URL written into the WSDL's soap:address; empty means "the URL the client used".
    public_url: str = _default("public_url")
    # Peers (addresses or networks) whose X-Forwarded-* headers are believed.
    trusted_proxies: tuple[str, ...] = _default("trusted_proxies")
    max_addresses: int = _default("max_addresses")
    city_population_cutoff: int = _default("city_population_cutoff")
    argon2: Argon2Parameters = field(default_factory=Argon2Parameters)
    log_level: str = _default("log_level")
    log_format: str = _default("log_format")
    max_body_bytes: int = _default("max_body_bytes")
    # Seconds for each read of a request, and for its head and its body each.
    read_timeout: float = _default("read_timeout")
    request_timeout: float = _default("request_timeout")
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    # Keys the credential cache's HMAC and signs tokens; None: a random key per
    # process for the cache, one stored in the database for tokens.
    secret_key: bytes | None = field(default=_default("secret_key"), repr=False)
    token_seconds: int = _default("token_seconds")
    api_log: bool = _default("api_log")
    api_log_mask_personal: bool = _default("api_log_mask_personal")
    api_log_flush_seconds: int = _default("api_log_flush_seconds")
    api_log_max_pending: int = _default("api_log_max_pending")
    api_log_retention_days: int = _default("api_log_retention_days")
    credential_cache_size: int = _default("credential_cache_size")
    credential_cache_seconds: int = _default("credential_cache_seconds")
    console_idle_seconds: int = _default("console_idle_seconds")
    signup: bool = _default("signup")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``env`` (the process environment by default)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        groups: dict[str, dict[str, Any]] = {group: {} for group in _GROUPS}
        for declared in SETTINGS:
            raw = env.get(declared.name)
            value = declared.default if raw is None else declared.read(declared, raw)
            group, _, attribute = declared.attribute.rpartition(".")
            (groups[group] if group else values)[attribute] = value
        for group, make in _GROUPS.items():
            values[group] = make(**groups[group])
        return cls(**values)

    def is_trusted_proxy(self, address: str) -> bool:
        """True when ``address`` (a peer's IP) is one of the trusted proxies."""
        peer = parse_ip(address)
        if peer is None:
            return False
        return any(peer in parse_network(network) for network in self.trusted_proxies)


def settings_table() -> str:
    """The declarations as the Markdown table that README.md's Configuration section carries."""
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    shared: list[list[Setting]] = []
    for declared in SETTINGS:
        if shared and shared[-1][0].meaning == declared.meaning:
            shared[-1].append(declared)
        else:
            shared.append([declared])
    for row in shared:
        names = ", ".join(f"`{declared.name}`" for declared in row)
        if len(row) > 1:
            default = ", ".join(_shown(declared.default) for declared in row)
        elif row[0].default in ("", (), None):
            default = "empty" if row[0].default is not None else "unset"
        else:
            default = f"`{_shown(row[0].default)}`"
        rows.append(f"| {names} | {default} | {row[0].meaning} |")
    return "\n".join(rows)


def _shown(default: Any) -> str:
    return str(int(default)) if isinstance(default, bool) else str(default)
