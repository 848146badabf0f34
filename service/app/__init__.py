"""The WSGI application: routing, transport limits, the WSDL's address, health.

``service.app:create_app()`` is the entry point a WSGI server names.
"""

from __future__ import annotations

from .wsgi import SOAP_PATH, UserManagementApp, create_app

__all__ = ["SOAP_PATH", "UserManagementApp", "create_app"]
