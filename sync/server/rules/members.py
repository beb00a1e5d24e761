"""The same person registered at two desks (same ID-number hash or same phone)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync.protocol import ConflictKind
from sync.protocol.events.desk import OPERATOR_CREATED, OPERATOR_UPDATED, OperatorChanged
from sync.protocol.events.members import MEMBER_REGISTERED, MEMBER_UPDATED, MemberPayload
from sync.server.models import DeviceRow, MemberIndexRow, OperatorIndexRow
from sync.server.rules.engine import (
    Accepted,
    event_row,
    open_conflict,
    record_of,
    rule,
    stored_payload,
)
from sync.server.signing import ServerKey


def _summary(member: MemberPayload) -> dict[str, object]:
    """What a desk shows of each record: never the phone in full, never the hash."""
    phone = member.phone
    masked = f"{phone[:3]}****{phone[-4:]}" if phone is not None and len(phone) >= 7 else ""
    return {
        "name": member.name,
        "member_number": member.member_number,
        "phone": masked,
        "id_last4": member.id_last4,
    }


@rule(MEMBER_REGISTERED, MEMBER_UPDATED)
def possible_duplicate(
    session: Session, device: DeviceRow, accepted: list[Accepted[MemberPayload]], key: ServerKey
) -> None:
    for item in accepted:
        member = item.payload
        member_id = item.event.entity_id
        index = session.get(MemberIndexRow, member_id)
        if index is None:
            index = MemberIndexRow(member_id=member_id, station_id=item.station_id)
            session.add(index)
        index.event_id = item.event.event_id
        index.phone = member.phone or None
        index.id_hash = member.id_hash or None
        session.flush()
        if not member.active or (index.phone is None and index.id_hash is None):
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
            earlier_member = stored_payload(earlier)
            assert isinstance(earlier_member, MemberPayload)
            this = event_row(session, item.event.event_id)
            first = record_of(session, earlier, _summary(earlier_member))
            second = record_of(session, this, _summary(member))
            same = "id_number" if index.id_hash and index.id_hash == other.id_hash else "phone"
            subject = "|".join(sorted((member_id, other.member_id)))
            open_conflict(
                session,
                key,
                ConflictKind.DUPLICATE_MEMBER,
                subject,
                first,
                second,
                {"same": same, "members": [other.member_id, member_id]},
            )


@rule(OPERATOR_CREATED, OPERATOR_UPDATED)
def remember_operator(
    session: Session, device: DeviceRow, accepted: list[Accepted[OperatorChanged]], key: ServerKey
) -> None:
    for item in accepted:
        name = item.payload.name
        if name is None:
            continue  # (de)activated: the name stays
        row = session.get(OperatorIndexRow, item.event.entity_id)
        if row is None:
            session.add(OperatorIndexRow(operator_id=item.event.entity_id, name=name[:60]))
        else:
            row.name = name[:60]
    session.flush()
