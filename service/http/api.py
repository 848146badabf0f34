"""The JSON transports: Afilnet's HTTP API, the same with HTTP Basic, and with JWT bearer tokens.

Every answer is HTTP 200 with ``{"status":"SUCCESS","result":{...}}`` or
``{"status":"ERROR","error":"<CODE>"}``, as Afilnet's client libraries expect;
the exceptions are HTTP-level: 401 with a challenge when Basic or Bearer
credentials are missing altogether, 405, 408 and 413.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from ..app.body import BodyError, BodyLimits, read_body
from ..contract import CLASS, OPERATIONS
from ..domain.caller import Caller
from ..domain.credentials import CallCredentials, PasswordCredentials, TokenCredentials
from ..errors import ErrorCode, UserApiError
from ..logs import log_internal_error
from ..operations import UserOperations
from .form import read_params

StartResponse = Callable[..., Any]

REALM = 'realm="User Management API", charset="UTF-8"'


class HttpError(Exception):
    """An error answered at the HTTP level: a status, extra headers and the coded JSON."""

    def __init__(self, status: str, code: ErrorCode, *headers: tuple[str, str]) -> None:
        super().__init__(status)
        self.status = status
        self.code = code
        self.headers = headers


def _answer(start_response: StartResponse, status: str, body: bytes, *headers: Any) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            *headers,
        ],
    )
    return [body]


def _encode(payload: dict[str, Any]) -> bytes:
    """The JSON document of ``payload``."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def error_payload(code: ErrorCode) -> dict[str, Any]:
    """The Afilnet error object."""
    return {"status": "ERROR", "error": code.name}


def _plain(value: Any) -> Any:
    """A result as JSON: money as a decimal string (never a float), records as objects."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(field) for name, field in asdict(value).items()}
    return value


def _basic_credentials(header: str) -> PasswordCredentials:
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise UserApiError(ErrorCode.MALFORMED_REQUEST)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError):
        raise UserApiError(ErrorCode.MALFORMED_REQUEST) from None
    user, colon, password = decoded.partition(":")
    if not colon:
        raise UserApiError(ErrorCode.MALFORMED_REQUEST)
    return PasswordCredentials(user, password)


def _challenge(api: str) -> HttpError:
    """401 with the transport's challenge: no credentials of its kind were sent."""
    challenge = "Basic" if api == "basic" else "Bearer"
    code = ErrorCode.MISSING_USER if api == "basic" else ErrorCode.MISSING_TOKEN
    return HttpError("401 Unauthorized", code, ("WWW-Authenticate", f"{challenge} {REALM}"))


def _bearer_credentials(header: str) -> TokenCredentials:
    """A Bearer token; any other scheme is no token at all (RFC 6750 §3: the challenge)."""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise _challenge("jwt")
    return TokenCredentials(token.strip())


class JsonApi:
    """Serves ``class=user`` over one of the JSON transports."""

    def __init__(self, operations: UserOperations, limits: BodyLimits) -> None:
        self._operations = operations
        self._limits = limits

    def _params(self, environ: dict[str, Any]) -> dict[str, str]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method not in ("GET", "POST"):
            raise HttpError(
                "405 Method Not Allowed", ErrorCode.MALFORMED_REQUEST, ("Allow", "GET, POST")
            )
        try:
            body = read_body(environ, self._limits) if method == "POST" else b""
        except BodyError as error:
            raise HttpError(error.status, error.code) from None
        return read_params(environ, body)

    def _credentials(
        self, environ: dict[str, Any], params: dict[str, str], api: str
    ) -> CallCredentials:
        header = environ.get("HTTP_AUTHORIZATION")
        if api == "http":
            return PasswordCredentials(params.get("user"), params.get("password"))
        if header is None:
            raise _challenge(api)
        if api == "basic":
            return _basic_credentials(header)
        return _bearer_credentials(header)

    def _call(self, caller: Caller, credentials: CallCredentials, params: dict[str, str]) -> Any:
        """Check class and method (MISSING_* before INCORRECT_*), then run the method."""
        if caller.trace is not None:
            caller.trace.api_class = params.get("class")
            caller.trace.method = params.get("method")
            caller.trace.parameters = params
        if not params.get("class", "").strip():
            raise UserApiError(ErrorCode.MISSING_CLASS)
        if params["class"].strip().lower() != CLASS:
            raise UserApiError(ErrorCode.INCORRECT_CLASS)
        name = params.get("method", "").strip().lower()
        if not name:
            raise UserApiError(ErrorCode.MISSING_METHOD)
        operation = OPERATIONS.get(name)
        if operation is None:
            raise UserApiError(ErrorCode.INCORRECT_METHOD)
        arguments = {p.name: params.get(p.name) for p in operation.parameters}
        result = getattr(self._operations, name)(caller, credentials, **arguments)
        if caller.trace is not None:
            caller.trace.succeeded(result)
        return {} if operation.result.name is None else {operation.result.name: result}

    def _respond(
        self,
        start_response: StartResponse,
        caller: Caller,
        produce: Callable[[], dict[str, Any]],
    ) -> list[bytes]:
        """Run ``produce`` and answer its result, or its error, as Afilnet JSON."""
        trace = caller.trace
        try:
            result = _plain(produce())
            # Encoded here: an answer that cannot be written is an error like any other.
            body = _encode({"status": "SUCCESS", "result": result})
        except HttpError as error:
            code, status, headers = error.code, error.status, list(error.headers)
        except UserApiError as error:
            code, status = error.code, "200 OK"
            headers = [("Retry-After", str(error.retry_after))] if error.retry_after else []
        except Exception as error:
            log_internal_error(error)
            code, status, headers = ErrorCode.INTERNAL_ERROR, "200 OK", []
        else:
            return _answer(start_response, "200 OK", body)
        if trace is not None:
            trace.error_code = code.name
        return _answer(start_response, status, _encode(error_payload(code)), *headers)

    def serve(
        self, environ: dict[str, Any], start_response: StartResponse, caller: Caller
    ) -> Iterable[bytes]:
        """Answer one call of ``class=user`` on the transport ``caller.api``."""

        def produce() -> dict[str, Any]:
            params = self._params(environ)
            return self._call(caller, self._credentials(environ, params, caller.api), params)

        return self._respond(start_response, caller, produce)

    def issue_token(
        self, environ: dict[str, Any], start_response: StartResponse, caller: Caller
    ) -> Iterable[bytes]:
        """Trade ``user``/``password`` (POST) for a bearer token."""

        def produce() -> dict[str, Any]:
            if environ.get("REQUEST_METHOD", "").upper() != "POST":
                raise HttpError(
                    "405 Method Not Allowed", ErrorCode.MALFORMED_REQUEST, ("Allow", "POST")
                )
            params = self._params(environ)
            if caller.trace is not None:
                caller.trace.method = "token"
                caller.trace.parameters = params
            credentials = PasswordCredentials(params.get("user"), params.get("password"))
            issued = self._operations.issuetoken(caller, credentials)
            return {"token": issued.token, "tokentype": "Bearer", "expiresin": issued.expires_in}

        return self._respond(start_response, caller, produce)
