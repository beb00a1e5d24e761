"""Aid campaigns, items, stock moves and counts, handouts, their voids and refusals.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aid_item",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("aid_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_item_name"), ["name"], unique=False)

    op.create_table(
        "campaign",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("starts_on", sa.String(length=10), nullable=False),
        sa.Column("ends_on", sa.String(length=10), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_name"), ["name"], unique=False)

    op.create_table(
        "handout",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("member_number", sa.String(length=20), nullable=False),
        sa.Column("collector_id", sa.String(length=36), nullable=True),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("desk", sa.String(length=8), nullable=False),
        sa.Column("operator_name", sa.String(length=50), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("overridden", sa.String(length=20), nullable=True),
        sa.Column("override_by", sa.String(length=36), nullable=True),
        sa.Column("override_by_name", sa.String(length=50), nullable=True),
        sa.Column("override_reason", sa.String(length=200), nullable=True),
        sa.Column("proof", sa.Text(), nullable=True),
        sa.Column("pulled", sa.Boolean(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handout", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handout_campaign_day", ["campaign_id", "local_date", "desk"], unique=False
        )
        batch_op.create_index(
            "ix_handout_desk_latest", ["campaign_id", "desk", "device_time"], unique=False
        )
        batch_op.create_index(
            "ix_handout_member_campaign", ["member_id", "campaign_id"], unique=False
        )

    op.create_table(
        "handout_refusal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("desk", sa.String(length=8), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handout_refusal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handout_refusal_campaign", ["campaign_id", "local_date"], unique=False
        )

    op.create_table(
        "stock_count",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("desk", sa.String(length=8), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stock_count", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_count_campaign", ["campaign_id", "local_date"], unique=False
        )

    op.create_table(
        "stock_move",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("desk", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("other_desk", sa.String(length=8), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_move_level", ["campaign_id", "item_id", "desk"], unique=False
        )

    op.create_table(
        "handout_line",
        sa.Column("handout_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("desk", sa.String(length=8), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["handout_id"],
            ["handout.id"],
        ),
        sa.PrimaryKeyConstraint("handout_id", "item_id"),
    )
    with op.batch_alter_table("handout_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handout_line_stock",
            ["campaign_id", "desk", "local_date", "item_id", "quantity"],
            unique=False,
        )

    op.create_table(
        "handout_void",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("handout_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("device_time", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["handout_id"],
            ["handout.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handout_id"),
    )

    op.create_table(
        "stock_tally",
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("desk", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("handed_out", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "desk", "item_id"),
    )


def downgrade() -> None:
    op.drop_table("stock_tally")
    op.drop_table("handout_void")
    with op.batch_alter_table("handout_line", schema=None) as batch_op:
        batch_op.drop_index("ix_handout_line_stock")

    op.drop_table("handout_line")
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_move_level")

    op.drop_table("stock_move")
    with op.batch_alter_table("stock_count", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_count_campaign")

    op.drop_table("stock_count")
    with op.batch_alter_table("handout_refusal", schema=None) as batch_op:
        batch_op.drop_index("ix_handout_refusal_campaign")

    op.drop_table("handout_refusal")
    with op.batch_alter_table("handout", schema=None) as batch_op:
        batch_op.drop_index("ix_handout_member_campaign")
        batch_op.drop_index("ix_handout_campaign_day")
        batch_op.drop_index("ix_handout_desk_latest")

    op.drop_table("handout")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_name"))

    op.drop_table("campaign")
    with op.batch_alter_table("aid_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aid_item_name"))

    op.drop_table("aid_item")
