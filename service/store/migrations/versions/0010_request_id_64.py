"""Request ids up to 64 characters: a caller's own X-Request-Id is kept.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Widen api_log.request_id (PostgreSQL changes only the catalogue; SQLite keeps any length)."""
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("api_log", "request_id", type_=sa.String(64), existing_nullable=False)


def downgrade() -> None:
    """Narrow it back (fails while a longer id is stored)."""
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("api_log", "request_id", type_=sa.String(32), existing_nullable=False)
