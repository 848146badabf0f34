"""User Management API service: class ``user`` (balance, addresses, channels) over SOAP."""

__version__ = "0.1.0"
