"""Who the client is and which URL it used, with trusted proxies taken into account."""

from __future__ import annotations

import re
from typing import Any

from ..domain.ip import parse_ip
from ..settings import Settings

# What a Host header may look like: a name or IPv4/IPv6 literal and a port. Anything
# else never reaches the WSDL (it would be an injection into the document).
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")


def client_address(environ: dict[str, Any], settings: Settings) -> str:
    """The client's IP: the peer, or from X-Forwarded-For when the peer is a trusted proxy.

    X-Forwarded-For is read right to left, skipping trusted proxies: the first
    address no trusted proxy vouches for is the client. Anything to its left
    was written by the client and is ignored. An IPv4-mapped IPv6 address (a
    dual-stack socket's view of an IPv4 client) is given as its IPv4 address.
    """
    peer = _canonical(environ.get("REMOTE_ADDR", "")) or "unknown"
    if not settings.trusted_proxies or not settings.is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not settings.is_trusted_proxy(hop):
            address = parse_ip(hop)
            return peer if address is None else str(address)
    return peer


def _canonical(text: str) -> str:
    """An address as the service writes it (IPv4 for IPv4-mapped); other text unchanged."""
    address = parse_ip(text)
    return text if address is None else str(address)


def public_base_url(environ: dict[str, Any], settings: Settings) -> str:
    """The base URL the client used: configured, from a trusted proxy, or from Host."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST", "")
    if settings.trusted_proxies and settings.is_trusted_proxy(environ.get("REMOTE_ADDR", "")):
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
        scheme = proto if proto in ("http", "https") else scheme
        host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip() or host
    if not _HOST.match(host):
        host = f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{scheme}://{host}"
