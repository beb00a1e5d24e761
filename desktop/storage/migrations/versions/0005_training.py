"""Training: courses, sessions, enrolments, attendance marks, certificates per course.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("venue", sa.String(length=100), nullable=False),
        sa.Column("teacher", sa.String(length=50), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.String(length=10), nullable=True),
        sa.Column("ends_on", sa.String(length=10), nullable=True),
        sa.Column("hours", sa.String(length=12), nullable=False),
        sa.Column("rule_kind", sa.String(length=8), nullable=False),
        sa.Column("rule_minimum", sa.String(length=12), nullable=False),
        sa.Column("late_counts", sa.String(length=8), nullable=False),
        sa.Column("grace_minutes", sa.Integer(), nullable=False),
        sa.Column("walk_ins", sa.String(length=8), nullable=False),
        sa.Column("certificate_title", sa.String(length=40), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "course_certificate",
        sa.Column("serial", sa.String(length=24), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
        ),
        sa.PrimaryKeyConstraint("serial"),
    )
    with op.batch_alter_table("course_certificate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_certificate_course", ["course_id", "member_id"], unique=False
        )

    op.create_table(
        "course_session",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("on_date", sa.String(length=10), nullable=False),
        sa.Column("starts_at", sa.String(length=5), nullable=False),
        sa.Column("ends_at", sa.String(length=5), nullable=False),
        sa.Column("hours", sa.String(length=12), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.String(length=27), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_session_course", ["course_id", "on_date", "starts_at"], unique=False
        )

    op.create_table(
        "enrolment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("member_name", sa.String(length=50), nullable=False),
        sa.Column("member_number", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id", "member_id"),
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_member_id"), ["member_id"], unique=False)

    op.create_table(
        "attendance_mark",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("supersedes", sa.Text(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attendance_mark", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_mark_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            "ix_attendance_session_member", ["session_id", "member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance_mark", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_session_member")
        batch_op.drop_index(batch_op.f("ix_attendance_mark_course_id"))

    op.drop_table("attendance_mark")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_member_id"))

    op.drop_table("enrolment")
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.drop_index("ix_course_session_course")

    op.drop_table("course_session")
    with op.batch_alter_table("course_certificate", schema=None) as batch_op:
        batch_op.drop_index("ix_course_certificate_course")

    op.drop_table("course_certificate")
    op.drop_table("course")
