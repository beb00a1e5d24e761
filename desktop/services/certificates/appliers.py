"""Appliers of pulled certificate events (issued, revoked).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

from desktop.services.sync.replication import Applier, PulledEvent, optional_text_of, text_of
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.certificates.tables import CertificateRow
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork


def _certificate_issued(uow: UnitOfWork, event: PulledEvent) -> None:
    p = event.payload
    serial = text_of(p, "serial", 24) or event.entity_id
    if uow.repo(Certificates).get(serial) is not None:
        return
    member_id = optional_text_of(p, "member_id", 36)
    if member_id is not None and uow.repo(MemberRepository).row(member_id) is None:
        member_id = None
    uow.repo(Certificates).add(
        CertificateRow(
            serial=serial,
            member_id=member_id,
            title=text_of(p, "title", 40),
            recipient_name=text_of(p, "recipient_name", 50),
            purpose=text_of(p, "purpose", 200),
            hours=optional_text_of(p, "hours", 12),
            issued_on=text_of(p, "issued_on", 10),
            issuing_union=text_of(p, "issuing_union", 100),
            starts_on=optional_text_of(p, "starts_on", 10),
            ends_on=optional_text_of(p, "ends_on", 10),
            signature=text_of(p, "signature", 110),
            revoked_at=None,
            revoke_reason=None,
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id or "",
            device_time=event.device_time,
        )
    )


def _certificate_revoked(uow: UnitOfWork, event: PulledEvent) -> None:
    row = uow.repo(Certificates).get(event.entity_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = event.device_time
        row.revoke_reason = optional_text_of(event.payload, "reason", 200) or "-"


APPLIERS: dict[str, Applier] = {
    "certificate.issued": _certificate_issued,
    "certificate.revoked": _certificate_revoked,
}
