"""WS-Security nonces seen recently, for replay protection.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create security_nonces."""
    op.create_table(
        "security_nonces",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_security_nonces_expires_at", "security_nonces", ["expires_at"])


def downgrade() -> None:
    """Drop security_nonces."""
    op.drop_table("security_nonces")
