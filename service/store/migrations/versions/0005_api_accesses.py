"""API accesses (the account's own login and generated ones) and IP filters.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create api_accesses and ip_filters; give every account its own-login access."""
    with op.batch_alter_table("accounts") as accounts:
        accounts.add_column(
            sa.Column("ip_filtered", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "api_accesses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE", name="fk_api_accesses_account_id"),
            nullable=False,
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("login", sa.String(64), nullable=True),
        sa.Column("secret_hash", sa.String(255), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("ip_filtered", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_source_ip", sa.String(45), nullable=True),
        sa.Column("last_api", sa.String(16), nullable=True),
        sa.Column("last_method", sa.String(32), nullable=True),
        sa.UniqueConstraint("account_id", "name", name="uq_api_accesses_account_name"),
        sa.UniqueConstraint("login", name="uq_api_accesses_login"),
        sa.CheckConstraint(
            "state IN ('enabled', 'disabled', 'revoked')", name="ck_api_accesses_state"
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "ip_filters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE", name="fk_ip_filters_account_id"),
            nullable=False,
        ),
        sa.Column(
            "access_id",
            sa.Integer(),
            sa.ForeignKey("api_accesses.id", ondelete="CASCADE", name="fk_ip_filters_access_id"),
            nullable=True,
        ),
        sa.Column("network", sa.String(64), nullable=False),
    )
    op.create_index("ix_ip_filters_account_id", "ip_filters", ["account_id"])
    op.execute(
        "INSERT INTO api_accesses (account_id, name, login, secret_hash, state, ip_filtered,"
        " created_at) SELECT id, 'login', NULL, NULL, 'enabled', false, created_at FROM accounts"
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("ip_filters")
    op.drop_table("api_accesses")
    with op.batch_alter_table("accounts") as accounts:
        accounts.drop_column("ip_filtered")
