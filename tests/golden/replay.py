"""Sending the golden cases to a server and writing or reading their answers.

Each case is sent as the exact bytes of one HTTP/1.1 request over its own
connection, so no client library adds, reorders or re-encodes anything. What
depends on the moment of sending is filled in at replay time from the case's
template (``{{name}}`` placeholders, see ``fill``). An answer is its status, the
headers in COMPARED and its body bytes; the values in VOLATILE are the only ones
normalised, each to a named placeholder, after checking that they are sane.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import socket
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from service.auth.tokens import ALGORITHM, AUDIENCE, ISSUER, TokenSigner
from tests.golden.seed import BLOCK_SECONDS, HOST, SECRET_KEY, login_hashes

CORPUS = Path(__file__).with_name("corpus.jsonl")

# Response headers compared byte for byte; every other header must be in IGNORED.
COMPARED = ("Content-Type", "Allow", "Cache-Control", "Retry-After", "WWW-Authenticate")
# Per connection or per request by nature; the body is compared whole, so its length is too.
IGNORED = ("Date", "Server", "Connection", "X-Request-Id", "Content-Length", "Transfer-Encoding")

PLACEHOLDER = re.compile(rb"\{\{([^{}]+)\}\}")


@dataclass(frozen=True)
class Case:
    """One request: a template of its head and body, and the seeded state it relies on.

    ``raw`` is the whole request as sent, for what no HTTP client sends (chunked
    bodies, lying or malformed lengths); otherwise the request is ``method``
    ``path`` with Host, ``headers``, X-Forwarded-For (``source``), a
    Content-Length when there is a body, and ``body``. ``account`` names the
    account of seed.ACCOUNTS the case reads or changes.
    """

    name: str
    method: str = "POST"
    path: str = "/api/soap/"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    raw: bytes | None = None
    source: str | None = None
    account: str | None = None

    def digest(self) -> str:
        """A short fingerprint of the template: the corpus notices a case that changed."""
        fields = asdict(self)
        fields["body"] = base64.b64encode(self.body).decode()
        fields["raw"] = None if self.raw is None else base64.b64encode(self.raw).decode()
        text = json.dumps(fields, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def source_address(self) -> str:
        """The case's source: its own, or one derived from its name, so failed logins
        of different cases never add up to a block."""
        if self.source is not None:
            return self.source
        digest = hashlib.sha256(self.name.encode()).digest()
        return f"10.{digest[0]}.{digest[1]}.{digest[2]}"


# Placeholders --------------------------------------------------------------------------


def _created(offset_seconds: int) -> bytes:
    moment = datetime.now(UTC) + timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()


class Tokens:
    """Bearer tokens minted at replay time with the corpus's fixed key and seeded hashes."""

    def __init__(self) -> None:
        self._signer = TokenSigner(None, SECRET_KEY.encode(), 900)  # type: ignore[arg-type]
        self._hashes = login_hashes()

    def claims(self, login: str, **changes: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": login,
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "pwd": self._signer.fingerprint(self._hashes[login]),
        }
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not None}

    def mint(self, login: str, variant: str) -> str:
        """A token for ``login``: ``valid``, or one of the ways a token is wrong."""
        key = SECRET_KEY
        past = datetime.now(UTC) - timedelta(hours=1)
        if variant == "valid":
            return self._signer.issue(login, self._hashes[login]).token
        if variant == "expired":
            return jwt.encode(self.claims(login, exp=past, iat=past), key, ALGORITHM)
        if variant == "alg-none":
            return jwt.encode(self.claims(login), None, algorithm="none")
        if variant == "wrong-key":
            return jwt.encode(self.claims(login), "k" * 40, ALGORITHM)
        if variant == "hs512":
            with warnings.catch_warnings():  # the key is short for HS512; the token is refused
                warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
                return jwt.encode(self.claims(login), key, algorithm="HS512")
        if variant == "audience":
            return jwt.encode(self.claims(login, aud="other"), key, ALGORITHM)
        if variant == "issuer":
            return jwt.encode(self.claims(login, iss="other"), key, ALGORITHM)
        if variant == "no-exp":
            return jwt.encode(self.claims(login, exp=None), key, ALGORITHM)
        if variant == "other-password":
            return jwt.encode(self.claims(login, pwd="AAAAAAAAAAAAAAAAAAAAAA"), key, ALGORITHM)
        if variant == "tampered":
            header, payload, signature = self.mint(login, "valid").split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
            claims["sub"] = "admin@example.com"
            forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
            return f"{header}.{forged}.{signature}"
        raise ValueError(f"no token variant {variant!r}")


def fill(template: bytes, tokens: Tokens) -> bytes:
    """The template with its placeholders filled in for this moment.

    ``{{created}}``, ``{{created-600}}``, ``{{created+600}}``: a wsu:Created time,
    now or that many seconds away; ``{{token:LOGIN:VARIANT}}``: a bearer token
    (see Tokens.mint).
    """

    def value(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode()
        if name == "created":
            return _created(0)
        if name.startswith("created"):
            return _created(int(name[len("created") :]))
        if name.startswith("token:"):
            login, variant = name[len("token:") :].rsplit(":", 1)
            return tokens.mint(login, variant).encode()
        raise ValueError(f"unknown placeholder {name!r}")

    return PLACEHOLDER.sub(value, template)


# Sending --------------------------------------------------------------------------------


def request_bytes(case: Case, tokens: Tokens) -> bytes:
    """The bytes sent for ``case`` at this moment."""
    if case.raw is not None:
        return fill(case.raw, tokens)
    body = fill(case.body, tokens)
    lines = [f"{case.method} {case.path} HTTP/1.1"]
    if not any(name.lower() == "host" for name, _ in case.headers):
        lines.append(f"Host: {HOST}")
    lines += [f"{name}: {fill(value.encode(), tokens).decode()}" for name, value in case.headers]
    lines.append(f"X-Forwarded-For: {case.source_address()}")
    if body or case.method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


@dataclass(frozen=True)
class Answer:
    """What a case's answer is compared on."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    token: dict[str, Any] | None = None  # the issued token's header and claims, if any


def send(port: int, case: Case, tokens: Tokens, timeout: float = 30.0) -> Answer:
    """Send ``case`` to the server on ``port`` and read its whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request_bytes(case, tokens))
        response = http.client.HTTPResponse(connection, method=case.method)
        response.begin()
        body = response.read()
        headers = tuple(response.getheaders())
    known = {name.lower() for name in (*COMPARED, *IGNORED)}
    unknown = [name for name, _ in headers if name.lower() not in known]
    if unknown:
        raise AssertionError(
            f"{case.name}: headers {unknown} are neither compared nor ignored "
            "(add them to COMPARED or IGNORED in tests/golden/replay.py)"
        )
    compared = {name.lower(): name for name in COMPARED}
    kept = tuple((compared[n.lower()], v) for n, v in headers if n.lower() in compared)
    return normalise(case.name, Answer(response.status, kept, body))


# What varies from one replay to the next -------------------------------------------------

RETRY_AFTER = "«retryafter»"
TOKEN = "«token»"
VOLATILE = {
    RETRY_AFTER: (
        "TOO_MANY_ATTEMPTS carries the seconds left in its block (Retry-After header and "
        "SOAP <tns:retryafter>): the block's length minus the time since the failure that "
        "set it, which the replay does not control. Checked to be 1..BLOCK_SECONDS."
    ),
    TOKEN: (
        "The token endpoint's JWT carries its issue time (iat, nbf, exp). The token is "
        "checked to verify with the corpus key, and its header and claims, times as "
        "offsets from iat, are compared instead (Answer.token)."
    ),
}

_RETRY_ELEMENT = re.compile(rb"<tns:retryafter>([0-9]+)</tns:retryafter>")
_TOKEN_FIELD = re.compile(rb'"token":"([A-Za-z0-9_.-]+)"')


def _retry_seconds(name: str, text: str) -> None:
    if not (text.isdigit() and 1 <= int(text) <= BLOCK_SECONDS):
        raise AssertionError(f"{name}: retry after {text!r} is not 1..{BLOCK_SECONDS} seconds")


def _token_view(name: str, token: str) -> dict[str, Any]:
    """The token's header and claims with its times as offsets from iat."""
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM], audience=AUDIENCE)
    except jwt.InvalidTokenError as error:
        raise AssertionError(f"{name}: the issued token does not verify: {error}") from None
    issued = claims["iat"]
    if abs(issued - datetime.now(UTC).timestamp()) > 300:
        raise AssertionError(f"{name}: the issued token's iat is not now: {issued}")
    for moment in ("iat", "nbf", "exp"):
        if moment in claims:
            claims[moment] = f"iat{claims[moment] - issued:+d}"
    return {"header": jwt.get_unverified_header(token), "claims": claims}


def normalise(name: str, answer: Answer) -> Answer:
    """``answer`` with each VOLATILE value checked and replaced by its placeholder."""
    headers = []
    for header, value in answer.headers:
        if header == "Retry-After":
            _retry_seconds(name, value)
            value = RETRY_AFTER
        headers.append((header, value))
    body = answer.body

    def retry(match: re.Match[bytes]) -> bytes:
        _retry_seconds(name, match.group(1).decode())
        return f"<tns:retryafter>{RETRY_AFTER}</tns:retryafter>".encode()

    body = _RETRY_ELEMENT.sub(retry, body)
    token = None
    found = _TOKEN_FIELD.search(body)
    if found is not None:
        token = _token_view(name, found.group(1).decode())
        body = body.replace(found.group(1), TOKEN.encode())
    return Answer(answer.status, tuple(headers), body, token)


# The corpus file -------------------------------------------------------------------------


def entry(case: Case, answer: Answer) -> dict[str, Any]:
    """The corpus line of one case: bodies as text where they are UTF-8, else base64."""
    line: dict[str, Any] = {"case": case.name, "request": case.digest(), "status": answer.status}
    line["headers"] = [list(pair) for pair in answer.headers]
    try:
        line["body"] = answer.body.decode("utf-8")
    except UnicodeDecodeError:
        line["body_base64"] = base64.b64encode(answer.body).decode()
    if answer.token is not None:
        line["token"] = answer.token
    return line


def answer_of(line: dict[str, Any]) -> Answer:
    """The Answer a corpus line records."""
    text = line.get("body")
    body = text.encode("utf-8") if text is not None else base64.b64decode(line["body_base64"])
    headers = tuple((name, value) for name, value in line["headers"])
    return Answer(line["status"], headers, body, line.get("token"))


def write_corpus(lines: Iterable[dict[str, Any]], path: Path = CORPUS) -> None:
    with path.open("w", encoding="utf-8") as sink:
        for line in lines:
            sink.write(json.dumps(line, ensure_ascii=False) + "\n")


def read_corpus(path: Path = CORPUS) -> dict[str, dict[str, Any]]:
    with path.open(encoding="utf-8") as source:
        lines = [json.loads(text) for text in source]
    return {line["case"]: line for line in lines}


def replay(port: int, cases: Iterable[Case]) -> Iterator[tuple[Case, Answer]]:
    """Send every case in order; yields each with its answer."""
    tokens = Tokens()
    for case in cases:
        yield case, send(port, case, tokens)
