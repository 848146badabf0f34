"""Alembic migrations of the schema (package data, so they work from an installed wheel)."""
