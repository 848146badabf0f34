"""A request's line: valid JSON from its template, whatever the engine gave as the peer."""

from __future__ import annotations

import io
import json

import pytest

from service.app.requestlog import RequestLines
from service.dispatch.context import RequestContext
from service.domain.api import Api
from service.domain.caller import Caller


@pytest.mark.parametrize("client", ["127.0.0.1", "2001:db8::1", "unknown", 'odd "peer"\\\n\x1b'])
@pytest.mark.parametrize("trace", [None, "4bf92f3577b34da6a3ce929d0e0e4736"])
def test_the_json_line_parses_to_its_fields(client: str, trace: str | None) -> None:
    context = RequestContext(Caller(client, Api.SOAP12), trace_id=trace)
    context.method, context.http_status = "getbalance\n", 500
    context.caller.signed_in(42, None)
    stream = io.StringIO()
    RequestLines("INFO", "json", stream).write(context, "INTERNAL_ERROR", 0.01234)
    text = stream.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    line = json.loads(text)
    assert line.pop("time") == context.created_at.isoformat(timespec="milliseconds")[:-6] + "Z"
    expected = {
        "level": "INFO",
        "logger": "service.request",
        "request_id": context.request_id,
        "api": "soap12",
        "method": "other",  # not a method of the contract as sent
        "outcome": "INTERNAL_ERROR",
        "status": 500,
        "duration_ms": 12.3,
        "client": client,
        "account_id": 42,
    }
    assert line == expected | ({"trace_id": trace} if trace else {})


def test_the_text_line_and_the_level() -> None:
    context = RequestContext(Caller("203.0.113.9", Api.HTTP))
    context.method, context.http_status = "getchannels", 200
    stream = io.StringIO()
    RequestLines("DEBUG", "text", stream).write(context, "SUCCESS", 0.002)
    expected = "INFO http getchannels SUCCESS 200 2.0 ms from 203.0.113.9"
    assert stream.getvalue().endswith(f"{expected} [request {context.request_id}]\n")
    quiet = io.StringIO()
    RequestLines("WARNING", "json", quiet).write(context, "SUCCESS", 0.002)
    assert quiet.getvalue() == ""
