"""Appliers of pulled certificate events (issued, revoked).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

from typing import Any

from desktop.services.sync.replication import Applier, PulledEvent
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.certificates.tables import CertificateRow
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.certificates import (
    CERTIFICATE_ISSUED,
    CERTIFICATE_REVOKED,
    CertificateIssued,
    CertificateRevoked,
)


def _certificate_issued(uow: UnitOfWork, event: PulledEvent, p: CertificateIssued) -> None:
    serial = p.serial or event.entity_id
    if uow.repo(Certificates).get(serial) is not None:
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
    row = uow.repo(Certificates).get(event.entity_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = event.device_time
        row.revoke_reason = p.reason or "-"


APPLIERS: dict[EventKind[Any], Applier] = {
    CERTIFICATE_ISSUED: _certificate_issued,
    CERTIFICATE_REVOKED: _certificate_revoked,
}
