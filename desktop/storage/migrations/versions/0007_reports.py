"""Imports, exports and reports: a covering index of visits for the monthly report.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_visit_report",
        "visit",
        ["local_date", "member_id", "device_time", "services", "occupation"],
    )


def downgrade() -> None:
    op.drop_index("ix_visit_report", table_name="visit")
