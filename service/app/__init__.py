"""The WSGI application: routing, transport limits, the WSDL's address, health.

``service.app:create_app()`` is the entry point a WSGI server names. It is
looked up when asked for, so the transport codecs can use this package's
small modules (``body``, ``client``) without importing the whole application.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SOAP_PATH", "UserManagementApp", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import wsgi

        return getattr(wsgi, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
