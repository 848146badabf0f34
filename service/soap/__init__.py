"""The SOAP 1.1 adapter: Spyne types and service over the transport-independent core."""

from . import compat as _compat  # noqa: F401  (must run before anything imports spyne)
