"""The certificate index the public page reads (``sync/server/web/verify.py``): each
certificate the desks issued, by serial, and its revocation. Kept in the push's transaction,
so the page is one lookup by serial and never scans the event log.

A certificate is indexed only from the device its serial names (``C-{device code}-N``): a
desk cannot put words under another device's serial, and the page checks each link's
signature against the key of that same device. Revocations are honoured from any enrolled
desk, as desks honour them (a station lead anywhere may revoke); the first one stands.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from sync.protocol.certificates import parse_certificate_serial
from sync.protocol.events.certificates import (
    CERTIFICATE_ISSUED,
    CERTIFICATE_REVOKED,
    CertificateIssued,
    CertificateRevoked,
)
from sync.server import log
from sync.server.models import CertificateIndexRow, DeviceRow
from sync.server.rules.engine import Accepted, rule
from sync.server.signing import ServerKey

logger = logging.getLogger(__name__)


@rule(CERTIFICATE_ISSUED)
def index_issued(
    session: Session,
    device: DeviceRow,
    accepted: list[Accepted[CertificateIssued]],
    key: ServerKey,
) -> None:
    for item in accepted:
        serial = item.event.entity_id
        parsed = parse_certificate_serial(serial)
        if item.payload.serial != serial or parsed is None or parsed[0] != device.code:
            logger.warning("certificate %r from device %s not indexed", serial[:40], device.code)
            continue
        row = session.get(CertificateIndexRow, serial)
        if row is None:
            row = CertificateIndexRow(serial=serial)
            session.add(row)
        elif row.payload is not None:
            continue  # the first issue stands; a serial is never reused
        row.event_id = item.event.event_id
        row.device_id = device.id
        row.station_id = item.station_id
        row.payload = str(item.row["payload"])
    session.flush()


@rule(CERTIFICATE_REVOKED)
def index_revoked(
    session: Session,
    device: DeviceRow,
    accepted: list[Accepted[CertificateRevoked]],
    key: ServerKey,
) -> None:
    for item in accepted:
        serial = item.event.entity_id
        if parse_certificate_serial(serial) is None:
            continue
        row = session.get(CertificateIndexRow, serial)
        if row is None:  # revoked at a desk that pushed before the issuing desk did
            row = CertificateIndexRow(serial=serial)
            session.add(row)
        if row.revoked_at is None:
            row.revoked_at = log.aware(item.event.device_time)
            row.revoke_reason = (item.payload.reason or "")[:200]
    session.flush()
