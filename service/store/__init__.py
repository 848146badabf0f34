"""Persistence: models and migrations, reads on a connection, writes per area on a session."""
