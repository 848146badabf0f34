"""The WSGI application: routing, transport limits, the WSDL's address, health."""

from .wsgi import SOAP_PATH, UserManagementApp, create_app

__all__ = ["SOAP_PATH", "UserManagementApp", "create_app"]
