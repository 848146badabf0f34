"""The SOAP codec (1.1 and 1.2) and the WSDL that Spyne publishes from the contract."""

from . import compat as _compat  # noqa: F401  (must run before anything imports spyne)
