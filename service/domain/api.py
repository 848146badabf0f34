"""The APIs a request can come in on: the names the API log, throttling and operators use."""

from __future__ import annotations

from enum import StrEnum


class Api(StrEnum):
    """One transport of the service, by the name the API log records."""

    SOAP11 = "soap11"
    SOAP12 = "soap12"
    HTTP = "http"
    BASIC = "basic"
    JWT = "jwt"
    CONSOLE = "console"
    # An operator's command that changed something (service/cli/audit.py).
    CLI = "cli"
