"""The API log and per-access usage counts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create api_log and access_usage."""
    op.create_table(
        "api_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_ip", sa.String(45), nullable=False),
        sa.Column("api", sa.String(16), nullable=False),
        sa.Column("api_class", sa.String(32), nullable=True),
        sa.Column("method", sa.String(32), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("access_id", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.String(4000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("result", sa.String(500), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("bytes_in", sa.Integer(), nullable=False),
        sa.Column("bytes_out", sa.Integer(), nullable=False),
        sa.Column("user_agent", sa.String(200), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_api_log_created_at", "api_log", ["created_at"])
    op.create_index("ix_api_log_account_id_created_at", "api_log", ["account_id", "created_at"])
    op.create_table(
        "access_usage",
        sa.Column(
            "access_id",
            sa.Integer(),
            sa.ForeignKey("api_accesses.id", ondelete="CASCADE", name="fk_access_usage_access_id"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("api", sa.String(16), primary_key=True),
        sa.Column("method", sa.String(32), primary_key=True),
        sa.Column("calls", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("access_usage")
    op.drop_table("api_log")
