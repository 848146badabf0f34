"""Initial schema: accounts, addresses, channels, the city catalogue.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.store.money import Money

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("balance", Money(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
        # Never hand a deleted row's id to a new one (SQLite reuses them otherwise).
        sqlite_autoincrement=True,
    )
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("countrycode", sa.String(2), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
    )
    op.create_index("ix_cities_countrycode_name", "cities", ["countrycode", "name"])
    op.create_table(
        "addresses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE", name="fk_addresses_account_id"),
            nullable=False,
        ),
        sa.Column("namelastname", sa.String(200), nullable=False),
        sa.Column("iscompany", sa.SmallInteger(), nullable=False),
        sa.Column("companyname", sa.String(200), nullable=False),
        sa.Column("documentid", sa.String(50), nullable=False),
        sa.Column("countrycode", sa.String(2), nullable=False),
        sa.Column(
            "cityid",
            sa.Integer(),
            sa.ForeignKey("cities.id", name="fk_addresses_cityid"),
            nullable=False,
        ),
        sa.Column("cityname", sa.String(200), nullable=False),
        sa.Column("zipcode", sa.String(20), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("verified", sa.SmallInteger(), nullable=False),
        sa.Column("addressverified", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("iscompany IN (0, 1)", name="ck_addresses_iscompany"),
        sa.CheckConstraint("verified IN (0, 1)", name="ck_addresses_verified"),
        sa.CheckConstraint("addressverified IN (0, 1)", name="ck_addresses_addressverified"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_addresses_account_id", "addresses", ["account_id"])
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE", name="fk_channels_account_id"),
            nullable=False,
        ),
        sa.Column("channeltype", sa.String(32), nullable=False),
        sa.Column("channelname", sa.String(64), nullable=False),
        sa.Column("active", sa.SmallInteger(), nullable=False),
        sa.UniqueConstraint("account_id", "channelname", name="uq_channels_account_channelname"),
        sa.CheckConstraint("active IN (0, 1)", name="ck_channels_active"),
    )
    op.create_table(
        "catalogue_state",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    """Drop the tables."""
    for table in ("catalogue_state", "channels", "addresses", "cities", "accounts"):
        op.drop_table(table)
