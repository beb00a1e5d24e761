"""Courses name the stations taking part (a course made at HQ; empty: every station).

Revision ID: 0010
Revises: 0009 (0008 on its own; main has 0009 now: one head)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("course") as batch:
        batch.add_column(sa.Column("stations", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("course") as batch:
        batch.drop_column("stations")
