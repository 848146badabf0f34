"""The baseline: a bare WSGI app answering a fixed SOAP-sized body, under the same gunicorn."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = (
    b"<?xml version='1.0' encoding='UTF-8'?>\n"
    b'<soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:tns="urn:usermanagement:user:v1"><soap11env:Body><tns:getbalanceResponse>'
    b"<tns:balance>125.50</tns:balance></tns:getbalanceResponse></soap11env:Body>"
    b"</soap11env:Envelope>"
)


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Read the request body like a real app would, answer the fixed body."""
    environ["wsgi.input"].read()
    start_response(
        "200 OK",
        [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(BODY)))],
    )
    return [BODY]
