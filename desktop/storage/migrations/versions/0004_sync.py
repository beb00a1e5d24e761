"""Sync with the central server: push results on the outbox, pull cursors, conflicts, merges.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns are added in place (no table copy): a station's outbox may hold many rows.
    op.add_column("outbox", sa.Column("result", sa.String(length=12), nullable=True))
    op.add_column("outbox", sa.Column("reason", sa.String(length=120), nullable=True))
    op.add_column("outbox", sa.Column("server_seq", sa.Integer(), nullable=True))
    op.create_index("ix_outbox_result", "outbox", ["result"])
    op.create_index("ix_outbox_entity", "outbox", ["entity_id"])
    op.add_column("member", sa.Column("merged_into", sa.String(length=36), nullable=True))
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sync_cursor",
        sa.Column("dataset", sa.String(length=20), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("dataset"),
    )
    op.create_table(
        "conflict",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.String(length=27), nullable=False),
        sa.Column("resolved_at", sa.String(length=27), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("stations", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conflict_status", "conflict", ["status"])


def downgrade() -> None:
    op.drop_index("ix_conflict_status", table_name="conflict")
    op.drop_table("conflict")
    op.drop_table("sync_cursor")
    op.drop_table("sync_state")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("merged_into")
    op.drop_index("ix_outbox_entity", table_name="outbox")
    op.drop_index("ix_outbox_result", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("server_seq")
        batch.drop_column("reason")
        batch.drop_column("result")
