"""certificate trust: when the server received each certificate; revocations only by the
issuing station

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server's own time of receipt: the public page compares it with the time the
    # issuing device was revoked (a device's own clock proves nothing).
    with op.batch_alter_table("certificate_index") as batch:
        batch.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE certificate_index SET received_at = "
            "(SELECT e.received_at FROM event e WHERE e.event_id = certificate_index.event_id) "
            "WHERE event_id IS NOT NULL"
        )
    )
    # Revocations stored before only the issuing station (or HQ) could revoke: the first one
    # made by a device of the station of the device the serial names stands, as the rule
    # (sync/server/rules/certificates.py) decides now; the others are forgotten by the page.
    stations = {
        code: station_id
        for code, station_id in bind.execute(sa.text("SELECT code, station_id FROM device"))
    }
    revoked = bind.execute(
        sa.text(
            "SELECT e.entity_id, e.device_time, e.payload, d.code, d.station_id "
            "FROM event e JOIN device d ON d.id = e.device_id "
            "WHERE e.kind = 'certificate.revoked' ORDER BY e.server_seq"
        )
    ).fetchall()
    first: dict[str, tuple[object, str]] = {}
    for serial, device_time, payload, code, station_id in revoked:
        parts = str(serial).split("-")
        issuer = parts[1] if len(parts) == 3 and parts[0] == "C" else None
        if serial in first or issuer is None:
            continue
        if issuer == code or stations.get(issuer) == station_id:
            first[serial] = (device_time, str(json.loads(payload).get("reason") or "")[:200])
    held = bind.execute(
        sa.text("SELECT serial FROM certificate_index WHERE revoked_at IS NOT NULL")
    ).scalars()
    for serial in list(held):
        at, reason = first.get(serial, (None, None))
        bind.execute(
            sa.text(
                "UPDATE certificate_index SET revoked_at = :at, revoke_reason = :reason "
                "WHERE serial = :serial"
            ).bindparams(at=at, reason=reason, serial=serial)
        )


def downgrade() -> None:
    with op.batch_alter_table("certificate_index") as batch:
        batch.drop_column("received_at")
