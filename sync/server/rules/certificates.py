"""The certificate index the public page reads (``sync/server/web/verify.py``): each
certificate the desks issued, by serial, and its revocation. Kept in the push's transaction,
so the page is one lookup by serial and never scans the event log.

What never enters the log (refused at ingest, each event alone, with its reason), because
desks pulling it would act on it:

- ``certificate_serial_not_own``: a certificate whose serial (``C-{device code}-N``) names
  another device, or whose payload names another serial than the event: a desk cannot put
  words under another device's serial;
- ``certificate_serial_taken``: a second certificate (a new event id) under a serial the
  server holds already. A desk sending the same event again gets ``duplicate`` before any
  rule looks at it; a desk restored from a backup is told ``rewound`` first and gives its
  certificates new serials (``sync/server/rewind.py``);
- ``certificate_not_issuer``: a revocation by a device of another station than the device
  its serial names (any desk of the issuing station may revoke: a course runs on several
  desks; HQ revokes as the server, ``Author.EITHER``). ``certificate_serial`` when the
  entity is no serial at all.

The page checks each link's signature against the key of the device the serial names; the
first revocation stands.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
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
from sync.server.rules.engine import Accepted, Offered, refusal, rule
from sync.server.signing import ServerKey

logger = logging.getLogger(__name__)


@refusal(CERTIFICATE_ISSUED)
def one_certificate_a_serial(
    session: Session, device: DeviceRow, offered: list[Offered[CertificateIssued]]
) -> dict[int, str]:
    serials = [item.event.entity_id for item in offered]
    held = set(
        session.scalars(
            select(CertificateIndexRow.serial).where(
                CertificateIndexRow.serial.in_(serials), CertificateIndexRow.payload.is_not(None)
            )
        )
    )
    reasons: dict[int, str] = {}
    for item in offered:
        serial = item.event.entity_id
        parsed = parse_certificate_serial(serial)
        if item.payload.serial != serial or parsed is None or parsed[0] != device.code:
            reasons[item.position] = "certificate_serial_not_own"
        elif serial in held:
            reasons[item.position] = "certificate_serial_taken"
        else:
            held.add(serial)  # a second one later in this batch is refused too
    return reasons


@refusal(CERTIFICATE_REVOKED)
def only_the_issuing_station_revokes(
    session: Session, device: DeviceRow, offered: list[Offered[CertificateRevoked]]
) -> dict[int, str]:
    codes = {
        item.event.entity_id: parse_certificate_serial(item.event.entity_id) for item in offered
    }
    named = {parsed[0] for parsed in codes.values() if parsed is not None}
    stations = {
        code: station_id
        for code, station_id in session.execute(
            select(DeviceRow.code, DeviceRow.station_id).where(DeviceRow.code.in_(named))
        )
    }
    reasons: dict[int, str] = {}
    for item in offered:
        parsed = codes[item.event.entity_id]
        if parsed is None:
            reasons[item.position] = "certificate_serial"
        elif parsed[0] != device.code and stations.get(parsed[0]) != device.station_id:
            reasons[item.position] = "certificate_not_issuer"
    return reasons


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
        row.received_at = log.aware(item.row["received_at"])
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
