"""Members with search keys and revisions; visits and their voids.

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
        "member",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_sort", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("phone_tail", sa.String(length=4), nullable=True),
        sa.Column("occupation", sa.String(length=30), nullable=False),
        sa.Column("employer", sa.String(length=100), nullable=False),
        sa.Column("union_branch", sa.String(length=100), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=True),
        sa.Column("id_last4", sa.String(length=4), nullable=True),
        sa.Column("consent_at", sa.String(length=27), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_reason", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_number"),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index("ix_member_id_hash", ["id_hash"], unique=False)
        batch_op.create_index("ix_member_name_sort", ["name_sort"], unique=False)
        batch_op.create_index("ix_member_phone", ["phone"], unique=False)
        batch_op.create_index("ix_member_phone_tail", ["phone_tail"], unique=False)

    op.create_table(
        "member_search_key",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "member_id"),
    )
    with op.batch_alter_table("member_search_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_search_key_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "member_revision",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("member_id", "version"),
    )

    op.create_table(
        "visit",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("occupation", sa.String(length=30), nullable=True),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index("ix_visit_local_date", ["local_date"], unique=False)
        batch_op.create_index("ix_visit_member_time", ["member_id", "device_time"], unique=False)

    op.create_table(
        "visit_void",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visit_id"),
    )


def downgrade() -> None:
    op.drop_table("visit_void")
    op.drop_table("visit")
    op.drop_table("member_revision")
    op.drop_table("member_search_key")
    op.drop_table("member")
