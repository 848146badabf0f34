"""Operator commands: ``python -m service <command>``. Every one reads ``DATABASE_URL``."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import re
import secrets
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pycountry
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError

from .auth.credentials import normalise_user
from .auth.throttle import address_key
from .bootstrap import Core, build_core
from .domain.channel import DEFAULT_CHANNEL_TYPES
from .domain.ip import parse_ip, parse_network
from .domain.values import INT32_MAX, MAX_LENGTH, xml_safe
from .errors import UserApiError
from .settings import MAX_RETENTION_DAYS, Settings, SettingsError
from .store import backup, migrate
from .store.database import normalise_url
from .store.money import PRECISION, SCALE
from .store.repository import ACCESS_LOGIN_PREFIX, OWN_LOGIN
from .terminal import json_line, line, shown

DEMO_USER = "demo@example.com"
DEMO_BALANCE = Decimal("100.00")
COMMITTED_WSDL_URL = "http://localhost:8000"
CREDENTIAL_HELP = (
    "the new password, 8 to 256 characters; visible to other local users (ps) while the"
    " command runs: without it, it is asked for twice without echo on a terminal, or read"
    " as one line of standard input"
)
# The most rows one listing prints (logs, city find).
MAX_LISTED = 100_000
# The most gunicorn workers `serve --workers` starts.
MAX_WORKERS = 256


class CommandError(Exception):
    """A one-line message for the operator; the command exits with status 1."""


# Argument types --------------------------------------------------------------


def amount(text: str) -> Decimal:
    """A balance: a finite decimal with at most two decimal places."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}")
    if value != value.quantize(Decimal(1).scaleb(-SCALE)):
        raise argparse.ArgumentTypeError(f"at most {SCALE} decimal places: {text!r}")
    if abs(value) >= Decimal(10) ** (PRECISION - SCALE):
        raise argparse.ArgumentTypeError(f"amount out of range: {text!r}")
    return value.quantize(Decimal(1).scaleb(-SCALE))


def email(text: str) -> str:
    """An account's e-mail, normalised as every call compares it."""
    value = normalise_user(text)
    local, at, domain = value.partition("@")
    if not (local and at and "." in domain) or len(value) > MAX_LENGTH["user"]:
        raise argparse.ArgumentTypeError(f"not an e-mail address: {text!r}")
    if any(c.isspace() for c in value) or not xml_safe(value):
        raise argparse.ArgumentTypeError(f"not an e-mail address: {text!r}")
    return value


def password(text: str) -> str:
    """A new password: 8 to 256 characters, none that XML cannot carry (no login could send it)."""
    if not 8 <= len(text) <= MAX_LENGTH["password"]:
        raise argparse.ArgumentTypeError("a password has 8 to 256 characters")
    if not xml_safe(text):
        raise argparse.ArgumentTypeError("a password cannot hold control characters")
    return text


def countrycode(text: str) -> str:
    """An ISO 3166-1 alpha-2 country code."""
    value = text.strip().upper()
    if len(value) != 2 or pycountry.countries.get(alpha_2=value) is None:
        raise argparse.ArgumentTypeError(f"not an ISO 3166-1 alpha-2 country code: {text!r}")
    return value


def positive_id(text: str) -> int:
    """A positive 32-bit id (of a city or an address)."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= INT32_MAX:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}")
    return int(text)


def ip_address(text: str) -> str:
    """An IPv4 or IPv6 address (IPv4-mapped: as IPv4, as the service records clients)."""
    address = parse_ip(text.strip())
    if address is None:
        raise argparse.ArgumentTypeError(f"not an IP address: {text!r}")
    return str(address)


def network(text: str) -> str:
    """An IPv4 or IPv6 address or network (host bits are cleared; IPv4-mapped: as IPv4)."""
    try:
        return str(parse_network(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IP address or network: {text!r}") from None


def access_name(text: str) -> str:
    """A name for an access: 1 to 64 letters, digits, dots, dashes or underscores."""
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", text):
        raise argparse.ArgumentTypeError("1 to 64 letters, digits, '.', '-' or '_'")
    return text


def whole_number(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argument type: a whole number in ASCII digits from ``minimum`` to ``maximum``."""

    def parse(text: str) -> int:
        value = text.strip()
        if not (
            value.isascii()
            and value.isdigit()
            and len(value) <= len(str(maximum))
            and minimum <= int(value) <= maximum
        ):
            raise argparse.ArgumentTypeError(
                f"a whole number from {minimum} to {maximum}: {text!r}"
            )
        return int(value)

    return parse


def flag(text: str) -> int:
    """0 or 1."""
    if text not in ("0", "1"):
        raise argparse.ArgumentTypeError("0 or 1")
    return int(text)


# Commands ------------------------------------------------------------------


def db_upgrade(core: Core, args: argparse.Namespace) -> None:
    """Create or migrate the schema and load the city catalogue."""
    added = migrate.upgrade(core.engine, core.settings.city_population_cutoff)
    print(f"database is up to date; {added} catalogue cities added")


def _new_password(args: argparse.Namespace) -> str:
    """``--password``; else asked twice without echo on a terminal; else a line of stdin.

    Read before any transaction starts: a prompt must not hold the database's write lock.
    """
    if args.password is not None:
        return args.password
    if sys.stdin is None:
        raise CommandError("no password: give --password, or send it on standard input")
    if sys.stdin.isatty():
        try:
            text = getpass.getpass("new password: ")
            if getpass.getpass("new password again: ") != text:
                raise CommandError("the two passwords differ")
        except EOFError:
            raise CommandError("no password given") from None
    else:
        # One line; its line ending (LF or CR LF) is not part of the password.
        raw = sys.stdin.buffer.readline(4 * MAX_LENGTH["password"] + 2)
        if not raw:
            raise CommandError("no password on standard input")
        try:
            text = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
        except UnicodeDecodeError:
            raise CommandError("the password on standard input is not UTF-8") from None
    try:
        return password(text)
    except argparse.ArgumentTypeError as error:
        raise CommandError(str(error)) from None


def account_create(core: Core, args: argparse.Namespace) -> None:
    """Create an account with its default channels."""
    password_hash = core.passwords.hash(_new_password(args))
    with core.units.writing() as uow:
        if uow.repository.email_exists(args.email):
            raise CommandError(f"an account {args.email} already exists")
        uow.repository.create_account(
            args.email, password_hash, args.balance, DEFAULT_CHANNEL_TYPES
        )
        uow.commit()
    print(f"created account {shown(args.email)} with balance {args.balance}")


def account_set_balance(core: Core, args: argparse.Namespace) -> None:
    """Set an account's balance."""
    with core.units.writing() as uow:
        if not uow.repository.set_balance(args.email, args.amount):
            raise CommandError(f"no account {args.email}")
        uow.commit()
    print(f"balance of {shown(args.email)} is now {args.amount}")


def account_set_password(core: Core, args: argparse.Namespace) -> None:
    """Replace an account's password."""
    password_hash = core.passwords.hash(_new_password(args))
    with core.units.writing() as uow:
        if not uow.repository.set_password_hash(args.email, password_hash):
            raise CommandError(f"no account {args.email}")
        uow.commit()
    print(f"password of {shown(args.email)} changed")


def _switch_account(core: Core, email_address: str, disabled: bool) -> None:
    with core.units.writing() as uow:
        if not uow.repository.set_account_disabled(email_address, disabled):
            raise CommandError(f"no account {shown(email_address)}")
        uow.commit()
    print(f"account {shown(email_address)} is {'disabled' if disabled else 'enabled'}")


def account_disable(core: Core, args: argparse.Namespace) -> None:
    """Disable a whole account: its own login and every API access, tokens included."""
    _switch_account(core, args.email, disabled=True)


def account_enable(core: Core, args: argparse.Namespace) -> None:
    """Enable a disabled account again (each access keeps its own state)."""
    _switch_account(core, args.email, disabled=False)


def account_list(core: Core, args: argparse.Namespace) -> None:
    """List the accounts with their balances and address counts."""
    with core.units.reading() as uow:
        for address, balance, addresses in uow.repository.accounts():
            print(line(address, balance, f"{addresses} addresses"))


def city_add(core: Core, args: argparse.Namespace) -> None:
    """Add a town to the catalogue."""
    name = args.name.strip()
    if not name or len(name) > MAX_LENGTH["cityname"] or not xml_safe(name):
        raise CommandError("a city name has 1 to 200 characters, no control characters")
    with core.units.writing() as uow:
        if uow.repository.city_countrycode(args.cityid) is not None:
            raise CommandError(f"city {args.cityid} already exists")
        uow.repository.add_city(args.cityid, args.countrycode, name)
        uow.commit()
    print(f"added city {args.cityid} {shown(name)} ({args.countrycode})")


def city_find(core: Core, args: argparse.Namespace) -> None:
    """Find cities of a country by the start of their name."""
    with core.units.reading() as uow:
        for found_id, name in uow.repository.cities(args.countrycode, args.prefix, args.limit):
            print(line(found_id, name))


def address_verify(core: Core, args: argparse.Namespace) -> None:
    """Set the verification flags of an address."""
    with core.units.writing() as uow:
        changed = uow.repository.set_address_verification(
            args.idaddress, args.verified, args.addressverified
        )
        if not changed:
            raise CommandError(f"no address {args.idaddress}")
        uow.commit()
    print(f"address {args.idaddress} updated")


def _account_id(core: Core, email_address: str) -> int:
    with core.units.reading() as uow:
        account = uow.repository.account_by_email(email_address)
    if account is None:
        raise CommandError(f"no account {email_address}")
    return account.id


def access_create(core: Core, args: argparse.Namespace) -> None:
    """Create an API access; its login and secret are shown this once."""
    account_id = _account_id(core, args.email)
    # Lower-case, as every login is compared.
    login = ACCESS_LOGIN_PREFIX + secrets.token_hex(12)
    secret = secrets.token_urlsafe(24)
    with core.units.writing() as uow:
        if uow.repository.access_id(account_id, args.name) is not None:
            raise CommandError(f"{args.email} already has an access called {args.name}")
        uow.repository.create_access(account_id, args.name, login, core.passwords.hash(secret))
        uow.commit()
    print(
        f"access {shown(args.name)} of {shown(args.email)}\n"
        f"  user:     {login}\n  password: {secret}\n"
        "The password is shown only now; it is stored as a hash."
    )


def access_list(core: Core, args: argparse.Namespace) -> None:
    """List an account's API accesses with their last use (connection tracking)."""
    account_id = _account_id(core, args.email)
    with core.units.reading() as uow:
        for access in uow.repository.accesses(account_id):
            login = access.login or f"{args.email} (own login)"
            last = "never used"
            if access.last_used_at is not None:
                last = (
                    f"last {access.last_used_at.isoformat()} from {access.last_source_ip}"
                    f" via {access.last_api} {access.last_method}"
                )
            print(line(access.name, login, access.state, last))


def _set_access_state(core: Core, args: argparse.Namespace, state: str) -> None:
    account_id = _account_id(core, args.email)
    with core.units.writing() as uow:
        if not uow.repository.set_access_state(account_id, args.name, state):
            raise CommandError(f"{args.email} has no access {args.name} that can be {state}")
        uow.commit()
    print(f"access {shown(args.name)} of {shown(args.email)} is {state}")


def access_enable(core: Core, args: argparse.Namespace) -> None:
    """Enable an access (not a revoked one)."""
    _set_access_state(core, args, "enabled")


def access_disable(core: Core, args: argparse.Namespace) -> None:
    """Disable an access until it is enabled again."""
    _set_access_state(core, args, "disabled")


def access_revoke(core: Core, args: argparse.Namespace) -> None:
    """Revoke an access for good."""
    _set_access_state(core, args, "revoked")


def _filter_owner(core: Core, args: argparse.Namespace) -> tuple[int, int | None]:
    account_id = _account_id(core, args.email)
    if args.access is None:
        return account_id, None
    with core.units.reading() as uow:
        access_id = uow.repository.access_id(account_id, args.access)
    if access_id is None:
        raise CommandError(f"{args.email} has no access {args.access}")
    return account_id, access_id


def _change_networks(core: Core, args: argparse.Namespace, allow: bool) -> None:
    account_id, access_id = _filter_owner(core, args)
    with core.units.writing() as uow:
        networks = uow.repository.networks(account_id, access_id)
        if allow and args.network not in networks:
            networks.append(args.network)
        elif not allow:
            if args.network not in networks:
                raise CommandError(f"{args.network} is not in that filter")
            networks.remove(args.network)
        uow.repository.set_networks(account_id, access_id, networks)
        uow.commit()
    scope = f"access {args.access}" if args.access else "the account"
    allowed = ", ".join(networks) or "every address (no filter)"
    print(shown(f"{args.email}, {scope}: {allowed}"))


def ip_allow(core: Core, args: argparse.Namespace) -> None:
    """Add an address or network to an IP filter (an empty filter allows every address)."""
    _change_networks(core, args, allow=True)


def ip_deny(core: Core, args: argparse.Namespace) -> None:
    """Remove an address or network from an IP filter."""
    _change_networks(core, args, allow=False)


def ip_list(core: Core, args: argparse.Namespace) -> None:
    """Show the account's IP filter and its accesses'."""
    account_id = _account_id(core, args.email)
    with core.units.reading() as uow:
        print(line("account", ", ".join(uow.repository.networks(account_id, None)) or "(all)"))
        for access in uow.repository.accesses(account_id):
            networks = uow.repository.networks(account_id, access.id)
            if networks:
                print(line(f"access {access.name}", ", ".join(networks)))


def _moment(text: str) -> datetime:
    """An ISO date or date and time (UTC unless it says otherwise)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def logs(core: Core, args: argparse.Namespace) -> None:
    """Show the API log, newest first, filtered."""
    filters: dict[str, object] = {
        "api": args.api,
        "method": args.method,
        "error_code": args.error,
        "source_ip": args.ip,
        "since": args.since,
        "until": args.until,
    }
    if args.account:
        filters["account_id"] = _account_id(core, args.account)
        if args.access:
            with core.units.reading() as uow:
                filters["access_id"] = uow.repository.access_id(filters["account_id"], args.access)
    with core.units.reading() as uow:
        entries = uow.repository.api_log(filters, args.limit)
    for row in entries:
        row["created_at"] = row["created_at"].isoformat()
        row["parameters"] = json.loads(row["parameters"])
        if args.json:
            print(json_line(row))
        else:
            outcome = row["error_code"] or row["result"] or ""
            print(
                line(
                    row["created_at"],
                    row["request_id"],
                    row["source_ip"],
                    row["api"],
                    row["method"],
                    row["status"],
                    outcome,
                    f"{row['duration_ms']} ms",
                )
            )


def logs_purge(core: Core, args: argparse.Namespace) -> None:
    """Delete API log entries older than the retention (or --days)."""
    days = core.settings.api_log_retention_days if args.days is None else args.days
    with core.units.writing() as uow:
        deleted = uow.repository.purge_api_log(datetime.now(UTC) - timedelta(days=days))
        uow.commit()
    print(f"deleted {deleted} API log entries older than {days} days")


def connections(core: Core, args: argparse.Namespace) -> None:
    """Show an account's accesses' use: calls per day, API and method."""
    account_id = _account_id(core, args.email)
    with core.units.reading() as uow:
        for name, day, api, method, calls in uow.repository.usage(account_id):
            print(line(day, name, api, method, f"{calls} calls"))


def backup_command(core: Core, args: argparse.Namespace) -> None:
    """Write a consistent backup of the database (online: the service may keep running)."""
    try:
        backup.backup(core.settings.database_url, Path(args.file))
    except (backup.BackupError, sqlite3.Error) as error:
        raise CommandError(f"backup failed: {error}") from None
    print(f"backed up to {shown(args.file)}")


def restore_command(core: Core, args: argparse.Namespace) -> None:
    """Replace the database's content with a backup (stop the service first)."""
    core.engine.dispose()
    try:
        backup.restore(core.settings.database_url, Path(args.file))
    except (backup.BackupError, sqlite3.Error) as error:
        raise CommandError(f"restore failed: {error}") from None
    print(f"restored from {shown(args.file)}")


def throttle_list(core: Core, args: argparse.Namespace) -> None:
    """List failed-login counters and blocks."""
    with core.units.reading() as uow:
        for record in uow.repository.all_throttle_records():
            blocked = record.blocked_until.isoformat() if record.blocked_until else "-"
            print(line(record.key, f"{record.failures} failures", f"blocked until {blocked}"))


def throttle_clear(core: Core, args: argparse.Namespace) -> None:
    """Forget failed logins (and lift blocks) of an account, a source address, or all."""
    if not (args.user or args.ip or args.all):
        raise CommandError("say what to clear: --user EMAIL, --ip ADDRESS (or both), or --all")
    address = address_key(args.ip)[3:] if args.ip else None
    with core.units.writing() as uow:
        cleared = uow.repository.clear_throttle_records(args.user, address)
        uow.commit()
    print(f"cleared {cleared} throttling records")


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    from .server import Server, default_options

    overrides = {}
    if args.bind:
        overrides["bind"] = args.bind
    if args.workers is not None:
        overrides["workers"] = args.workers
    Server(default_options(settings), args.config, overrides).run()


def serve(core: Core, args: argparse.Namespace) -> None:
    """Run the service under gunicorn in the foreground (SIGTERM stops it)."""
    core.engine.dispose()
    _serve(args, core.settings)


def demo(core: Core, args: argparse.Namespace) -> None:
    """Prepare the database, (re)set the demo account and serve."""
    db_upgrade(core, args)
    demo_password = secrets.token_urlsafe(12)
    with core.units.writing() as uow:
        password_hash = core.passwords.hash(demo_password)
        if not uow.repository.set_password_hash(DEMO_USER, password_hash):
            uow.repository.create_account(
                DEMO_USER, password_hash, DEMO_BALANCE, DEFAULT_CHANNEL_TYPES
            )
        uow.commit()
    bind = args.bind or "127.0.0.1:8000"
    print(
        "\nUser Management API\n"
        f"  WSDL:     http://{bind}/api/soap/?wsdl  (SOAP 1.2: /api/soap12/?wsdl)\n"
        f"  HTTP API: http://{bind}/api/http/?class=user&method=getbalance&user=...&password=...\n"
        f"  user:     {DEMO_USER}\n"
        f"  password: {demo_password}\n"
        "Stop with Ctrl-C.\n",
        flush=True,
    )
    args.bind = bind
    serve(core, args)


def wsdl(core: Core, args: argparse.Namespace) -> None:
    """Write a WSDL as committed under wsdl/ (address http://localhost:8000)."""
    from .app.wsgi import SOAP12_PATH, SOAP_PATH
    from .soap.application import build_spyne_application
    from .soap.wsdl import build_wsdl, with_address

    path = SOAP12_PATH if args.soap == "1.2" else SOAP_PATH
    document = with_address(
        build_wsdl(build_spyne_application(core.operations, args.soap)), COMMITTED_WSDL_URL + path
    )
    if args.output:
        Path(args.output).write_bytes(document)
    else:
        sys.stdout.buffer.write(document)


# Parser ----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service", description="User Management API: operator commands."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        parent: argparse._SubParsersAction, name: str, run: Callable[..., None]
    ) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=(run.__doc__ or "").splitlines()[0])
        sub.set_defaults(run=run)
        return sub

    db = commands.add_parser("db", help="the database").add_subparsers(required=True)
    command(db, "upgrade", db_upgrade)

    account = commands.add_parser("account", help="accounts").add_subparsers(required=True)
    sub = command(account, "create", account_create)
    sub.add_argument("email", type=email)
    sub.add_argument("--password", type=password, help=CREDENTIAL_HELP)
    sub.add_argument("--balance", type=amount, default=Decimal("0.00"))
    sub = command(account, "set-balance", account_set_balance)
    sub.add_argument("email", type=email)
    sub.add_argument("amount", type=amount)
    sub = command(account, "set-password", account_set_password)
    sub.add_argument("email", type=email)
    sub.add_argument("--password", type=password, help=CREDENTIAL_HELP)
    command(account, "list", account_list)
    for name, run in (("disable", account_disable), ("enable", account_enable)):
        sub = command(account, name, run)
        sub.add_argument("email", type=email)

    city = commands.add_parser("city", help="the city catalogue").add_subparsers(required=True)
    sub = command(city, "add", city_add)
    sub.add_argument("cityid", type=positive_id)
    sub.add_argument("countrycode", type=countrycode)
    sub.add_argument("name")
    sub = command(city, "find", city_find)
    sub.add_argument("countrycode", type=countrycode)
    sub.add_argument("prefix", nargs="?", default="")
    sub.add_argument("--limit", type=whole_number(1, MAX_LISTED), default=20)

    address = commands.add_parser("address", help="addresses").add_subparsers(required=True)
    sub = command(address, "verify", address_verify)
    sub.add_argument("idaddress", type=positive_id)
    sub.add_argument("--verified", type=flag)
    sub.add_argument("--addressverified", type=flag)

    access = commands.add_parser("access", help="API accesses").add_subparsers(required=True)
    sub = command(access, "create", access_create)
    sub.add_argument("email", type=email)
    sub.add_argument("--name", type=access_name, required=True)
    sub = command(access, "list", access_list)
    sub.add_argument("email", type=email)
    for name, run in (
        ("enable", access_enable),
        ("disable", access_disable),
        ("revoke", access_revoke),
    ):
        sub = command(access, name, run)
        sub.add_argument("email", type=email)
        sub.add_argument("name", type=access_name, help=f"the access ('{OWN_LOGIN}': own login)")

    ip = commands.add_parser("ip", help="IP filters").add_subparsers(required=True)
    for name, run in (("allow", ip_allow), ("deny", ip_deny)):
        sub = command(ip, name, run)
        sub.add_argument("email", type=email)
        sub.add_argument("network", type=network)
        sub.add_argument(
            "--access", type=access_name, help="the access's filter, not the account's"
        )
    sub = command(ip, "list", ip_list)
    sub.add_argument("email", type=email)

    sub = command(commands, "logs", logs)
    sub.add_argument("--account", type=email, help="an account's e-mail")
    sub.add_argument("--access", type=access_name, help="an access of that account, by name")
    sub.add_argument("--api", choices=("soap11", "soap12", "http", "basic", "jwt"))
    sub.add_argument("--method")
    sub.add_argument("--error", metavar="CODE", help="an error code")
    sub.add_argument("--ip", type=ip_address, help="a source address")
    sub.add_argument("--since", type=_moment)
    sub.add_argument("--until", type=_moment)
    sub.add_argument("--limit", type=whole_number(1, MAX_LISTED), default=100)
    sub.add_argument("--json", action="store_true", help="one JSON object a line")
    purge = commands.add_parser("logs-purge", help=(logs_purge.__doc__ or "").splitlines()[0])
    purge.set_defaults(run=logs_purge)
    purge.add_argument(
        "--days",
        type=whole_number(1, MAX_RETENTION_DAYS),
        help="keep this many days, 1 or more (default: the retention)",
    )
    sub = command(commands, "backup", backup_command)
    sub.add_argument("file", help="where to write it (SQLite file, or pg_dump custom format)")
    sub = command(commands, "restore", restore_command)
    sub.add_argument("file", help="a file made by backup")
    sub = command(commands, "connections", connections)
    sub.add_argument("email", type=email)

    throttle = commands.add_parser("throttle", help="failed-login throttling").add_subparsers(
        required=True
    )
    command(throttle, "list", throttle_list)
    sub = command(throttle, "clear", throttle_clear)
    sub.add_argument("--user", type=email, help="an account's e-mail")
    sub.add_argument("--ip", type=ip_address, help="a source address (IPv6: its /64)")
    sub.add_argument("--all", action="store_true", help="every record")

    for name, run in (("serve", serve), ("demo", demo)):
        sub = command(commands, name, run)
        sub.add_argument("--bind", help="HOST:PORT (default 127.0.0.1:8000)")
        sub.add_argument(
            "--workers", type=whole_number(1, MAX_WORKERS), help="gunicorn workers (default 3)"
        )
        sub.add_argument("--config", help="a gunicorn config file, e.g. deploy/gunicorn.conf.py")

    sub = command(commands, "wsdl", wsdl)
    sub.add_argument("--soap", choices=("1.1", "1.2"), default="1.1", help="SOAP version")
    sub.add_argument("--output", help="file to write (default: standard output)")
    return parser


def _where(url: str) -> str:
    """The database's host and name, never its password."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "memory"
    return f"{parsed.host or 'localhost'}:{parsed.port or ''}/{parsed.database or ''}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        core = build_core(Settings.from_env())
    except SettingsError as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        return 1
    except (ArgumentError, NoSuchModuleError):
        print("error: DATABASE_URL is not a supported database URL", file=sys.stderr)
        return 1
    try:
        args.run(core, args)
    except CommandError as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        return 1
    except (OperationalError, UserApiError):
        # UserApiError here is SERVICE_UNAVAILABLE: the unit of work could not reach it.
        print(
            f"error: cannot use the database at {_where(core.settings.database_url)}",
            file=sys.stderr,
        )
        return 1
    except IntegrityError:
        print("error: the change conflicts with existing data", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # An operator sees what failed, never a traceback with data in it.
        print(f"error: internal error ({type(error).__name__})", file=sys.stderr)
        return 1
    return 0
