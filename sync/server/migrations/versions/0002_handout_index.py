"""handout index: handouts by person and campaign, for the campaign limits across desks

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handout_index",
        sa.Column("handout_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("handout_id"),
    )
    op.create_index(
        "ix_handout_index_member", "handout_index", ["member_id", "campaign_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_handout_index_member", table_name="handout_index")
    op.drop_table("handout_index")
