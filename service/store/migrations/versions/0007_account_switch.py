"""The account-wide switch: a disabled account lets none of its logins in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add accounts.disabled; every existing account stays enabled."""
    with op.batch_alter_table("accounts") as accounts:
        accounts.add_column(
            sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("accounts") as accounts:
        accounts.drop_column("disabled")
