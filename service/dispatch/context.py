"""One request's context: built once by the WSGI application, filled as the request is served.

The application sets the transport's part (client, API, sizes, HTTP status),
the codec what the request asked for (class, method, parameters as sent) and
the dispatcher its outcome (who signed in, the code or the result); the API
log records it whole.
"""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..domain.api import Api
from ..domain.caller import Caller

MAX_RESULT = 200


class _RequestIds:
    """Request ids: 32 hex digits, a random prefix per process and a counter.

    Unique across processes and hosts like a UUID4 without a system call for
    random bytes on every request; re-seeded in each forked worker.
    """

    def __init__(self) -> None:
        self.seed()
        os.register_at_fork(after_in_child=self.seed)

    def seed(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count(int.from_bytes(os.urandom(4), "big"))

    def new(self) -> str:
        return f"{self._prefix}{next(self._counter) & 0xFFFFFFFFFFFFFFFF:016x}"


_request_ids = _RequestIds()


@dataclass
class RequestContext:
    """One request, as the API log will record it."""

    caller: Caller
    user_agent: str | None = None
    request_id: str = field(default_factory=_request_ids.new)
    # The W3C trace the caller's traceparent named, if any.
    trace_id: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.monotonic)
    api_class: str | None = None
    method: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    error_code: str | None = None
    result: str | None = None
    http_status: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    # False for what is not an API call (a console page view): the API log skips it.
    recorded: bool = True

    @property
    def api(self) -> Api:
        """The API the request came in on."""
        return self.caller.api

    def asked(self, api_class: str | None, method: str | None, parameters: dict[str, str]) -> None:
        """Note what the request asked for, as sent (the codec's part)."""
        self.api_class = api_class
        self.method = method
        self.parameters = parameters

    def succeeded(self, value: Any) -> None:
        """Note a result, summarised (a count for lists: no personal data in the summary)."""
        if isinstance(value, list):
            self.result = f"{len(value)} items"
        elif isinstance(value, Decimal | int | str):
            self.result = str(value)[:MAX_RESULT]
        else:
            self.result = None
