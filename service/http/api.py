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

from ..contract import CLASS, ISSUETOKEN, OPERATIONS
from ..dispatch.context import RequestContext
from ..dispatch.dispatcher import Call, Dispatcher, Outcome
from ..domain.api import Api
from ..domain.credentials import CallCredentials, PasswordCredentials, TokenCredentials
from ..errors import ErrorCode, HttpError, UserApiError
from .form import read_params

StartResponse = Callable[..., Any]

REALM = 'realm="User Management API", charset="UTF-8"'


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


def _challenge(api: Api) -> HttpError:
    """401 with the transport's challenge: no credentials of its kind were sent."""
    challenge = "Basic" if api is Api.BASIC else "Bearer"
    code = ErrorCode.MISSING_USER if api is Api.BASIC else ErrorCode.MISSING_TOKEN
    return HttpError("401 Unauthorized", code, ("WWW-Authenticate", f"{challenge} {REALM}"))


def _bearer_credentials(header: str) -> TokenCredentials:
    """A Bearer token; any other scheme is no token at all (RFC 6750 §3: the challenge)."""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise _challenge(Api.JWT)
    return TokenCredentials(token.strip())


class JsonApi:
    """Serves ``class=user`` over one of the JSON transports, and the JWT token endpoint."""

    def __init__(
        self, dispatcher: Dispatcher, read_body: Callable[[dict[str, Any]], bytes]
    ) -> None:
        """``read_body``: the request's body within the transport's limits, or HttpError."""
        self._dispatcher = dispatcher
        self._read_body = read_body

    def _params(self, environ: dict[str, Any]) -> dict[str, str]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method not in ("GET", "POST"):
            raise HttpError(
                "405 Method Not Allowed", ErrorCode.MALFORMED_REQUEST, ("Allow", "GET, POST")
            )
        body = self._read_body(environ) if method == "POST" else b""
        return read_params(environ, body)

    def _credentials(
        self, environ: dict[str, Any], params: dict[str, str], api: Api
    ) -> CallCredentials:
        header = environ.get("HTTP_AUTHORIZATION")
        if api is Api.HTTP:
            return PasswordCredentials(params.get("user"), params.get("password"))
        if header is None:
            raise _challenge(api)
        if api is Api.BASIC:
            return _basic_credentials(header)
        return _bearer_credentials(header)

    def _decode(self, environ: dict[str, Any], context: RequestContext) -> Call:
        """The call: credentials of the transport's kind, then class and method checked.

        MISSING_* before INCORRECT_*; the parameters are the operation's, by name.
        """
        params = self._params(environ)
        credentials = self._credentials(environ, params, context.api)
        context.asked(params.get("class"), params.get("method"), params)
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
        return Call(name, lambda: credentials, arguments)

    def _decode_token_request(self, environ: dict[str, Any], context: RequestContext) -> Call:
        """``user``/``password``, POSTed."""
        if environ.get("REQUEST_METHOD", "").upper() != "POST":
            raise HttpError(
                "405 Method Not Allowed", ErrorCode.MALFORMED_REQUEST, ("Allow", "POST")
            )
        params = self._params(environ)
        context.asked(None, "token", params)
        credentials = PasswordCredentials(params.get("user"), params.get("password"))
        return Call(ISSUETOKEN, lambda: credentials)

    def _respond(
        self,
        start_response: StartResponse,
        context: RequestContext,
        outcome: Outcome,
        result: Callable[[Any], dict[str, Any]],
    ) -> list[bytes]:
        """Answer the outcome's result, or its error, as Afilnet JSON."""
        if outcome.error is None:
            try:
                # Encoded here: an answer that cannot be written is an error like any other.
                body = _encode({"status": "SUCCESS", "result": _plain(result(outcome.value))})
            except Exception as unwritten:
                outcome = self._dispatcher.failed(context, unwritten)
            else:
                return _answer(start_response, "200 OK", body)
        failure = outcome.error
        assert failure is not None
        if isinstance(failure, HttpError):
            status, headers = failure.status, list(failure.headers)
        else:
            status = "200 OK"
            headers = [("Retry-After", str(failure.retry_after))] if failure.retry_after else []
        return _answer(start_response, status, _encode(error_payload(failure.code)), *headers)

    def serve(
        self, environ: dict[str, Any], start_response: StartResponse, context: RequestContext
    ) -> Iterable[bytes]:
        """Answer one call of ``class=user`` on the transport ``context.api``."""
        outcome = self._dispatcher.dispatch(context, lambda: self._decode(environ, context))

        def result(value: Any) -> dict[str, Any]:
            assert outcome.call is not None
            name = OPERATIONS[outcome.call.method].result.name
            return {} if name is None else {name: value}

        return self._respond(start_response, context, outcome, result)

    def issue_token(
        self, environ: dict[str, Any], start_response: StartResponse, context: RequestContext
    ) -> Iterable[bytes]:
        """Trade ``user``/``password`` (POST) for a bearer token."""
        outcome = self._dispatcher.dispatch(
            context, lambda: self._decode_token_request(environ, context)
        )

        def result(issued: Any) -> dict[str, Any]:
            return {"token": issued.token, "tokentype": "Bearer", "expiresin": issued.expires_in}

        return self._respond(start_response, context, outcome, result)
