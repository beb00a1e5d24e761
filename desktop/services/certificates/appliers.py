"""Appliers of pulled certificate events (issued, revoked).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

import logging
from typing import Any

from desktop.services.certificates.commands import issuing_station_is
from desktop.services.sync.replication import Applier, NotApplied, PulledEvent
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.certificates.tables import CertificateRow
from desktop.storage.desk.repositories import PublicKeys
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from sync.protocol import SERVER_DEVICE_ID, EventKind
from sync.protocol.certificates import (
    certificate_signed,
    fields_of,
    parse_certificate_serial,
    signature_of,
)
from sync.protocol.events.certificates import (
    CERTIFICATE_ISSUED,
    CERTIFICATE_REVOKED,
    CertificateIssued,
    CertificateRevoked,
)

log = logging.getLogger(__name__)


def _signed_by_its_device(uow: UnitOfWork, serial: str, p: CertificateIssued) -> bool:
    """False when the device the serial names is known here and did not sign these fields:
    a tampered desk's words under another desk's serial, never to stand in for the genuine
    certificate (which then arrives and is kept). Unknown device: cannot tell, kept."""
    parsed = parse_certificate_serial(serial)
    if parsed is None:
        return False
    key = uow.repo(PublicKeys).key_even_if_revoked(parsed[0])  # what it signed before too
    if key is None:
        return True
    signature = signature_of(p.signature)
    try:
        fields = fields_of(p)
    except ValueError:
        return False
    return signature is not None and certificate_signed(key, serial, fields, signature)


def _certificate_issued(uow: UnitOfWork, event: PulledEvent, p: CertificateIssued) -> None:
    serial = p.serial or event.entity_id
    if uow.repo(Certificates).get(serial) is not None:
        return
    if not _signed_by_its_device(uow, serial, p):
        log.warning("pulled certificate %s not signed by its device: not kept", serial[:40])
        return
    member_id = p.member_id or None
    if member_id is not None and uow.repo(MemberRepository).row(member_id) is None:
        member_id = None
    uow.repo(Certificates).add(
        CertificateRow(
            serial=serial,
            member_id=member_id,
            title=p.title,
            recipient_name=p.recipient_name,
            purpose=p.purpose,
            hours=p.hours or None,
            issued_on=p.issued_on,
            issuing_union=p.issuing_union,
            starts_on=p.starts_on or None,
            ends_on=p.ends_on or None,
            signature=p.signature,
            revoked_at=None,
            revoke_reason=None,
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id or "",
            device_time=event.device_time,
        )
    )


def _certificate_revoked(uow: UnitOfWork, event: PulledEvent, p: CertificateRevoked) -> None:
    """Only a revocation by a desk of the station that issued the certificate, or by HQ
    (made by the server and signed: ``replication.checked`` verified it), is applied; the
    server refuses the others now, but its log may hold some from before."""
    row = uow.repo(Certificates).get(event.entity_id)
    if row is None:
        return
    if event.device_id != SERVER_DEVICE_ID and not issuing_station_is(uow, row, event.station_id):
        raise NotApplied("certificate:not_issuer")
    if row.revoked_at is None:
        row.revoked_at = event.device_time
        row.revoke_reason = p.reason or "-"


APPLIERS: dict[EventKind[Any], Applier] = {
    CERTIFICATE_ISSUED: _certificate_issued,
    CERTIFICATE_REVOKED: _certificate_revoked,
}
