"""figures: the console's counts per station and local day, and per month (and the
indexes counting needs), filled from the events already stored

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.String(length=36)
DAY = sa.String(length=10)


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "figure_day",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("day", DAY, nullable=False),
        _count("visits"),
        _count("members"),
        _count("cards_issued"),
        _count("cards_printed"),
        _count("certificates"),
        _count("certificates_revoked"),
        _count("handouts"),
        _count("attendance"),
        sa.PrimaryKeyConstraint("station_id", "day"),
    )
    op.create_index("ix_figure_day_day", "figure_day", ["day", "station_id"])
    op.create_table(
        "figure_month",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        _count("visits"),
        _count("members"),
        _count("cards_issued"),
        _count("cards_printed"),
        _count("certificates"),
        _count("certificates_revoked"),
        _count("handouts"),
        _count("attendance"),
        sa.PrimaryKeyConstraint("station_id", "month"),
    )
    op.create_index("ix_figure_month_month", "figure_month", ["month", "station_id"])
    op.create_table(
        "figure_service",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("day", DAY, nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        _count("visits"),
        sa.PrimaryKeyConstraint("station_id", "day", "service"),
    )
    op.create_table(
        "figure_occupation",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("day", DAY, nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        _count("visits"),
        sa.PrimaryKeyConstraint("station_id", "day", "occupation"),
    )
    op.create_table(
        "figure_campaign",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("campaign_id", ID, nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        _count("handouts"),
        sa.PrimaryKeyConstraint("station_id", "campaign_id"),
    )
    op.create_table(
        "figure_course",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("course_id", ID, nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        _count("attendance"),
        _count("certified"),
        sa.PrimaryKeyConstraint("station_id", "course_id"),
    )
    op.create_table(
        "figure_void",
        sa.Column("entity_id", ID, nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("entity_id"),
    )
    op.create_table(
        "figure_member",
        sa.Column("member_id", ID, nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_table(
        "figure_attendance",
        sa.Column("session_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("mark_id", ID, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("course_id", ID, nullable=False),
        sa.Column("day", DAY, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "member_id"),
    )
    from sync.server.figures import backfill  # the projection as it is at this revision

    session = Session(bind=op.get_bind())
    backfill.fill(session)
    session.flush()


def downgrade() -> None:
    for table in (
        "figure_attendance",
        "figure_member",
        "figure_void",
        "figure_course",
        "figure_campaign",
        "figure_occupation",
        "figure_service",
    ):
        op.drop_table(table)
    op.drop_index("ix_figure_day_day", table_name="figure_day")
    op.drop_index("ix_figure_month_month", table_name="figure_month")
    op.drop_table("figure_month")
    op.drop_table("figure_day")
