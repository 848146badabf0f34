"""Persistence: SQLAlchemy models, the repository, the unit of work and migrations."""
