"""The one way a request reaches the core: decoded call -> credential check -> operation -> outcome.

Every codec (SOAP, the JSON APIs) hands the dispatcher a function that decodes
its request into a ``Call``; the dispatcher runs it and returns an ``Outcome``,
the result or a coded failure, for the codec to encode. This is the only place
where exceptions become catalogue codes and where unexpected errors are
logged (their type and place, never their text), and it fills the request
context's outcome for the API log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..contract import ISSUETOKEN, OPERATIONS
from ..domain.credentials import CallCredentials
from ..domain.values import Raw
from ..errors import ErrorCode, UserApiError
from ..logs import log_internal_error, log_unavailable
from ..metrics import metrics
from ..operations import UserOperations
from ..store.causes import database_cause
from .context import RequestContext


class Call(NamedTuple):
    """A decoded request: the core method to run, its credentials and its parameters.

    ``credentials`` is called after the method is known: decoding them (a
    WS-Security header) can fail with a code of its own.
    """

    method: str
    credentials: Callable[[], CallCredentials]
    arguments: Mapping[str, Raw] = MappingProxyType({})


class Outcome(NamedTuple):
    """What a call came to: the call and its result, or the failure to answer with."""

    call: Call | None = None
    value: Any = None
    error: UserApiError | None = None


class Dispatcher:
    """Runs decoded calls against the core's operations."""

    def __init__(
        self, operations: UserOperations, more: Mapping[str, Callable[..., Any]] | None = None
    ) -> None:
        """Runs the operations of class ``user`` and the token endpoint's, and ``more``
        (a codec's own methods: the console's actions)."""
        self._methods: dict[str, Callable[..., Any]] = {
            name: getattr(operations, name) for name in (*OPERATIONS, ISSUETOKEN)
        }
        self._methods.update(more or {})

    def dispatch(self, context: RequestContext, decode: Callable[[], Call]) -> Outcome:
        """Decode and run one call; any failure on the way is a coded outcome."""
        try:
            call = decode()
            method = self._methods.get(call.method)
            if method is None:
                raise UserApiError(ErrorCode.INCORRECT_METHOD)
            value = method(context.caller, call.credentials(), **call.arguments)
        except Exception as error:
            return self.failed(context, error)
        context.succeeded(value)
        return Outcome(call, value)

    def failed(self, context: RequestContext, error: Exception) -> Outcome:
        """The outcome of ``error``: its code, or INTERNAL_ERROR (logged) for anything unexpected.

        Codecs call this for what fails before or after ``dispatch`` (writing an answer).
        """
        if not isinstance(error, UserApiError):
            cause = database_cause(error)
            log_internal_error(error, cause)
            if cause is not None:
                metrics().database_errors.labels("error").inc()
            error = UserApiError(ErrorCode.INTERNAL_ERROR)
        elif error.code is ErrorCode.SERVICE_UNAVAILABLE:
            log_unavailable(database_cause(error))
            metrics().database_errors.labels("unavailable").inc()
        context.error_code = error.code.name
        context.result = None  # an answer that failed to be written has no result to log
        return Outcome(error=error)
