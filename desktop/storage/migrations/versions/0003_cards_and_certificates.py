"""Cards and certificates: device public keys, cards and their events, certificates.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_key",
        sa.Column("device_code", sa.String(length=8), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("registered_at", sa.String(length=27), nullable=False),
        sa.Column("revoked_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("device_code"),
    )
    op.create_table(
        "card",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("device_code", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("printed_count", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "serial"),
    )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_member_id"), ["member_id"], unique=False)

    op.create_table(
        "certificate",
        sa.Column("serial", sa.String(length=24), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=40), nullable=False),
        sa.Column("recipient_name", sa.String(length=50), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.String(length=12), nullable=True),
        sa.Column("issued_on", sa.String(length=10), nullable=False),
        sa.Column("issuing_union", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.String(length=10), nullable=True),
        sa.Column("ends_on", sa.String(length=10), nullable=True),
        sa.Column("signature", sa.String(length=110), nullable=False),
        sa.Column("revoked_at", sa.String(length=27), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("serial"),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_member_id"), ["member_id"], unique=False)

    op.create_table(
        "card_event",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["card.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("card_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_event_card_id"), ["card_id"], unique=False)

    # Plain ALTER TABLE ADD COLUMN: no copy of the member table (visits refer to it).
    op.add_column(
        "member",
        sa.Column("from_card", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "device",
        sa.Column("next_certificate_seq", sa.Integer(), nullable=False, server_default="1"),
    )


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("from_card")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("next_certificate_seq")

    with op.batch_alter_table("card_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_event_card_id"))

    op.drop_table("card_event")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_member_id"))

    op.drop_table("certificate")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_member_id"))

    op.drop_table("card")
    op.drop_table("device_key")
