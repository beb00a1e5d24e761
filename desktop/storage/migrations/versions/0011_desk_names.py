"""Device keys remember the station each device was enrolled for, as the server named it:
screens say "东湖驿站" where they said "RWM3Q3".

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device_key") as batch:
        batch.add_column(
            sa.Column("station_name", sa.String(100), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("device_key") as batch:
        batch.drop_column("station_name")
