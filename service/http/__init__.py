"""The HTTP API (Afilnet style), HTTP Basic and JWT bearer transports, answering JSON."""
