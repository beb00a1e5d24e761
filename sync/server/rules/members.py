"""The same person registered at two desks (same ID-number hash or same phone)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync.protocol import ConflictKind
from sync.server.models import DeviceRow, EventRow, MemberIndexRow, OperatorIndexRow
from sync.server.rules.engine import Accepted, event_row, open_conflict, record_of, rule


def _summary(payload: dict[str, object]) -> dict[str, object]:
    """What a desk shows of each record: never the phone in full, never the hash."""
    phone = payload.get("phone")
    masked = f"{phone[:3]}****{phone[-4:]}" if isinstance(phone, str) and len(phone) >= 7 else ""
    return {
        "name": payload.get("name", ""),
        "member_number": payload.get("member_number", ""),
        "phone": masked,
        "id_last4": payload.get("id_last4"),
    }


@rule("member.registered", "member.updated")
def possible_duplicate(session: Session, device: DeviceRow, accepted: list[Accepted]) -> None:
    for item in accepted:
        payload = item.event.payload
        phone = payload.get("phone") or None
        id_hash = payload.get("id_hash") or None
        member_id = item.event.entity_id
        index = session.get(MemberIndexRow, member_id)
        if index is None:
            index = MemberIndexRow(member_id=member_id, station_id=item.station_id)
            session.add(index)
        index.event_id = item.event.event_id
        index.phone = phone if isinstance(phone, str) else None
        index.id_hash = id_hash if isinstance(id_hash, str) else None
        session.flush()
        if payload.get("active") is False or (index.phone is None and index.id_hash is None):
            continue
        clauses = []
        if index.id_hash:
            clauses.append(MemberIndexRow.id_hash == index.id_hash)
        if index.phone:
            clauses.append(MemberIndexRow.phone == index.phone)
        others = session.scalars(
            select(MemberIndexRow).where(
                or_(*clauses),
                MemberIndexRow.member_id != member_id,
                MemberIndexRow.merged_into.is_(None),
            )
        ).all()
        for other in others:
            earlier = event_row(session, other.event_id)
            if earlier.device_id == device.id:
                continue  # the desk itself asked about this one when it was registered
            this = event_row(session, item.event.event_id)
            first = record_of(session, earlier, _summary(_payload(earlier)))
            second = record_of(session, this, _summary(payload))
            same = "id_number" if index.id_hash and index.id_hash == other.id_hash else "phone"
            subject = "|".join(sorted((member_id, other.member_id)))
            open_conflict(
                session,
                ConflictKind.DUPLICATE_MEMBER,
                subject,
                first,
                second,
                {"same": same, "members": [other.member_id, member_id]},
            )


@rule("operator.created", "operator.updated")
def remember_operator(session: Session, device: DeviceRow, accepted: list[Accepted]) -> None:
    for item in accepted:
        name = item.event.payload.get("name")
        if not isinstance(name, str):
            continue
        row = session.get(OperatorIndexRow, item.event.entity_id)
        if row is None:
            session.add(OperatorIndexRow(operator_id=item.event.entity_id, name=name[:60]))
        else:
            row.name = name[:60]
    session.flush()


def _payload(row: EventRow) -> dict[str, object]:
    import json

    value = json.loads(row.payload)
    assert isinstance(value, dict)
    return value
