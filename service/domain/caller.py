"""Who is calling, as the transport saw it."""

from __future__ import annotations

from dataclasses import dataclass

from .trace import CallTrace


@dataclass(frozen=True)
class Caller:
    """The client of one call: its address (after trusted proxies) and the API it used.

    ``trace`` collects what the API log records about the call, when it is logged.
    """

    source_ip: str
    api: str = "soap11"
    trace: CallTrace | None = None
