"""One line per request on stderr: what an operator reads while the service runs.

Never credentials or parameters: the time, the request id (and the caller's
trace id), the API, the method (a method of the contract, else ``other``),
the outcome code, the HTTP status, the duration, the client address and the
account. The API log in the database keeps the parameters (cleaned); this
line is for the operator's log pipeline. Written at INFO: ``USERAPI_LOG_LEVEL``
WARNING or above turns it off.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from ..dispatch.context import RequestContext
from ..metrics import method_label


class RequestLines:
    """Writes each request's line, as JSON or as text."""

    def __init__(self, level: str, fmt: str, stream: TextIO | None = None) -> None:
        self.enabled = level in ("DEBUG", "INFO")
        self._json = fmt == "json"
        self._stream = stream

    def write(self, context: RequestContext, outcome: str, seconds: float) -> None:
        """The line of one answered request."""
        if not self.enabled:
            return
        moment = context.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        method = method_label(context.method)
        milliseconds = round(seconds * 1000, 1)
        caller = context.caller
        if self._json:
            fields: dict[str, object] = {
                "time": moment,
                "level": "INFO",
                "logger": "service.request",
                "request_id": context.request_id,
                "api": caller.api.value,
                "method": method,
                "outcome": outcome,
                "status": context.http_status,
                "duration_ms": milliseconds,
                "client": caller.source_ip,
                "account_id": caller.account_id,
            }
            if context.trace_id is not None:
                fields["trace_id"] = context.trace_id
            line = json.dumps(fields, ensure_ascii=False)
        else:
            line = (
                f"{moment} INFO {caller.api.value} {method} {outcome} {context.http_status} "
                f"{milliseconds} ms from {caller.source_ip} [request {context.request_id}]"
            )
        (self._stream or sys.stderr).write(line + "\n")
