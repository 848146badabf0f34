"""The base URL a client used, for the WSDL's soap:address."""

from __future__ import annotations

import re
from typing import Any

from ..settings import Settings

# What a Host header may look like: a name or IPv4/IPv6 literal and a port. Anything
# else never reaches the WSDL (it would be an injection into the document).
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")


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
