"""Who is calling, as the transport saw it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """The client of one call: its address (after trusted proxies) and the API it used."""

    source_ip: str
    api: str = "soap11"
