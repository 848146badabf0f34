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
import re
import sys
from typing import TextIO

from ..dispatch.context import RequestContext
from ..metrics import method_label

# What an address looks like (IPv4, IPv6): written into a line as it is.
_PLAIN = re.compile(r"[0-9A-Za-z.:%]*")


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
        account = "null" if caller.account_id is None else caller.account_id
        client = caller.source_ip
        if not _PLAIN.fullmatch(client):  # the engine's peer text, when it is not an address
            client = json.dumps(client, ensure_ascii=False)[1:-1]
        if self._json:
            # Every value comes from a closed set or was checked on the way in (the request id:
            # [A-Za-z0-9._-]; the trace id: hex; the client: an IP address), so none needs
            # JSON escaping: the line is written from a template, at a third of json.dumps' cost.
            trace = "" if context.trace_id is None else f', "trace_id": "{context.trace_id}"'
            line = (
                f'{{"time": "{moment}", "level": "INFO", "logger": "service.request", '
                f'"request_id": "{context.request_id}", "api": "{caller.api.value}", '
                f'"method": "{method}", "outcome": "{outcome}", "status": {context.http_status}, '
                f'"duration_ms": {milliseconds}, "client": "{client}", '
                f'"account_id": {account}{trace}}}'
            )
        else:
            line = (
                f"{moment} INFO {caller.api.value} {method} {outcome} {context.http_status} "
                f"{milliseconds} ms from {client} [request {context.request_id}]"
            )
        (self._stream or sys.stderr).write(line + "\n")
