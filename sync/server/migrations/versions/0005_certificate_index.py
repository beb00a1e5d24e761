"""certificate index: certificates by serial, with their revocation, for the public page

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_index",
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("station_id", sa.String(length=36), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("serial"),
    )
    # Certificates issued before this index existed: filled from the event log once, as the
    # rule (sync/server/rules/certificates.py) would have: only from the device the serial
    # names, the first issue standing.
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT e.event_id, e.device_id, e.station_id, e.entity_id, e.payload, d.code "
                "FROM event e JOIN device d ON d.id = e.device_id "
                "WHERE e.kind = 'certificate.issued' ORDER BY e.server_seq"
            )
        )
        .fetchall()
    )
    index = sa.table(
        "certificate_index",
        sa.column("serial", sa.String),
        sa.column("event_id", sa.String),
        sa.column("device_id", sa.String),
        sa.column("station_id", sa.String),
        sa.column("payload", sa.Text),
    )
    seen: set[str] = set()
    for event_id, device_id, station_id, serial, payload, code in rows:
        if serial in seen or len(serial) > 40 or not serial.startswith(f"C-{code}-"):
            continue
        seen.add(serial)
        op.execute(
            index.insert().values(
                serial=serial,
                event_id=event_id,
                device_id=device_id,
                station_id=station_id,
                payload=payload,
            )
        )
    revoked = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT entity_id, device_time, payload FROM event "
                "WHERE kind = 'certificate.revoked' ORDER BY server_seq"
            )
        )
        .fetchall()
    )
    for serial, device_time, payload in revoked:
        if serial not in seen:
            continue
        reason = str(json.loads(payload).get("reason") or "")[:200]
        op.execute(
            sa.text(
                "UPDATE certificate_index SET revoked_at = :at, revoke_reason = :reason "
                "WHERE serial = :serial AND revoked_at IS NULL"
            ).bindparams(at=device_time, reason=reason, serial=serial)
        )


def downgrade() -> None:
    op.drop_table("certificate_index")
