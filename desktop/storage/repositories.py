"""Repositories: what the services need of the store, in the domain's words."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, literal_column, select
from sqlalchemy.orm import Session

from desktop.domain.ids import new_id
from desktop.domain.model import (
    DeskContext,
    Device,
    Member,
    Operator,
    Role,
    Station,
    StationKind,
)
from desktop.storage.schema import (
    AuditRow,
    CardEventRow,
    CardRow,
    CertificateRow,
    DeviceKeyRow,
    DeviceRow,
    MemberRevisionRow,
    MemberRow,
    MemberSearchKeyRow,
    OperatorRow,
    OutboxRow,
    SettingRow,
    StationRow,
    VisitRow,
    VisitVoidRow,
)


def to_member(row: MemberRow) -> Member:
    return Member(
        id=row.id,
        member_number=row.member_number,
        name=row.name,
        phone=row.phone,
        occupation=row.occupation,
        employer=row.employer,
        union_branch=row.union_branch,
        tags=tuple(json.loads(row.tags)),
        id_last4=row.id_last4,
        id_hash=row.id_hash,
        consent_at=row.consent_at,
        active=row.active,
        deactivated_reason=row.deactivated_reason,
        version=row.version,
        registered_at=row.device_time,
        station_id=row.station_id,
    )


def to_operator(row: OperatorRow) -> Operator:
    return Operator(id=row.id, name=row.name, role=Role(row.role), active=row.active)


class DeviceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def row(self) -> DeviceRow | None:
        return self.session.scalars(select(DeviceRow).limit(1)).first()

    def get(self) -> Device | None:
        device = self.row()
        if device is None:
            return None
        station = self.session.get_one(StationRow, device.station_id)
        return Device(
            id=device.id,
            code=device.code,
            station=Station(
                id=station.id,
                name=station.name,
                kind=StationKind(station.kind),
                union_name=station.union_name,
            ),
        )

    def add(self, station: StationRow, device: DeviceRow) -> None:
        self.session.add(station)
        self.session.flush()
        self.session.add(device)

    def take_member_seq(self, count: int = 1) -> int:
        """Reserve ``count`` member sequence numbers of this device; returns the first."""
        if count < 1:
            raise ValueError(f"cannot reserve {count} member numbers")
        device = self.row()
        assert device is not None
        first = device.next_member_seq
        device.next_member_seq = first + count
        return first

    def station_row(self) -> StationRow | None:
        device = self.row()
        return None if device is None else self.session.get(StationRow, device.station_id)


class OperatorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: OperatorRow) -> None:
        self.session.add(row)

    def row(self, operator_id: str) -> OperatorRow | None:
        return self.session.get(OperatorRow, operator_id)

    def by_name(self, name: str) -> OperatorRow | None:
        return self.session.scalars(select(OperatorRow).where(OperatorRow.name == name)).first()

    def list(self, include_inactive: bool = False) -> list[Operator]:
        query = select(OperatorRow).order_by(OperatorRow.created_at)
        if not include_inactive:
            query = query.where(OperatorRow.active.is_(True))
        return [to_operator(row) for row in self.session.scalars(query)]

    def count_active_admins(self) -> int:
        query = select(func.count()).where(
            OperatorRow.role == Role.ADMIN.value, OperatorRow.active.is_(True)
        )
        return int(self.session.scalar(query) or 0)


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: MemberRow, keys: Iterable[str]) -> None:
        self.session.add(row)
        self.session.flush()
        self.replace_keys(row.id, keys)

    def replace_keys(self, member_id: str, keys: Iterable[str]) -> None:
        self.session.execute(
            delete(MemberSearchKeyRow).where(MemberSearchKeyRow.member_id == member_id)
        )
        self.session.add_all(
            MemberSearchKeyRow(key=key, member_id=member_id) for key in sorted(set(keys)) if key
        )

    def add_revision(self, row: MemberRow, operator_id: str | None, at: str) -> None:
        data = {c.name: getattr(row, c.name) for c in MemberRow.__table__.columns}
        self.session.add(
            MemberRevisionRow(
                member_id=row.id,
                version=row.version,
                data=json.dumps(data, ensure_ascii=False),
                operator_id=operator_id,
                device_time=at,
            )
        )

    def row(self, member_id: str) -> MemberRow | None:
        return self.session.get(MemberRow, member_id)

    def get(self, member_id: str) -> Member | None:
        row = self.row(member_id)
        return None if row is None else to_member(row)

    def by_number(self, member_number: str) -> Member | None:
        row = self.session.scalars(
            select(MemberRow).where(MemberRow.member_number == member_number)
        ).first()
        return None if row is None else to_member(row)

    def by_phone(self, phone: str) -> list[Member]:
        rows = self.session.scalars(select(MemberRow).where(MemberRow.phone == phone).limit(20))
        return [to_member(row) for row in rows]

    def by_id_hash(self, id_hash: str) -> list[Member]:
        rows = self.session.scalars(select(MemberRow).where(MemberRow.id_hash == id_hash).limit(20))
        return [to_member(row) for row in rows]

    def by_name_and_phone_tail(self, name: str, tail: str) -> list[Member]:
        rows = self.session.scalars(
            select(MemberRow).where(MemberRow.phone_tail == tail, MemberRow.name == name).limit(20)
        )
        return [to_member(row) for row in rows]

    def many(self, ids: Sequence[str]) -> list[Member]:
        """Members by id, in the order of ``ids``."""
        if not ids:
            return []
        rows = {
            row.id: row
            for row in self.session.scalars(select(MemberRow).where(MemberRow.id.in_(ids)))
        }
        return [to_member(rows[i]) for i in ids if i in rows]


class VisitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: VisitRow) -> None:
        self.session.add(row)

    def row(self, visit_id: str) -> VisitRow | None:
        return self.session.get(VisitRow, visit_id)

    def void_of(self, visit_id: str) -> VisitVoidRow | None:
        return self.session.scalars(
            select(VisitVoidRow).where(VisitVoidRow.visit_id == visit_id)
        ).first()

    def add_void(self, row: VisitVoidRow) -> None:
        self.session.add(row)

    def last_standing_for(self, member_id: str) -> VisitRow | None:
        """The member's visit recorded last on this device and not voided.

        By insertion order (rowid; visits are never deleted), not by device time: a clock
        that was put right must not make an older visit look like the latest.
        """
        query = (
            select(VisitRow)
            .outerjoin(VisitVoidRow, VisitVoidRow.visit_id == VisitRow.id)
            .where(VisitRow.member_id == member_id, VisitVoidRow.id.is_(None))
            .order_by(literal_column("visit.rowid").desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def count_standing_for(self, member_id: str) -> int:
        query = (
            select(func.count())
            .select_from(VisitRow)
            .outerjoin(VisitVoidRow, VisitVoidRow.visit_id == VisitRow.id)
            .where(VisitRow.member_id == member_id, VisitVoidRow.id.is_(None))
        )
        return int(self.session.scalar(query) or 0)


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> Any:
        row = self.session.get(SettingRow, key)
        return None if row is None else json.loads(row.value)

    def all(self) -> dict[str, Any]:
        return {row.key: json.loads(row.value) for row in self.session.scalars(select(SettingRow))}

    def set(self, key: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False)
        row = self.session.get(SettingRow, key)
        if row is None:
            self.session.add(SettingRow(key=key, value=text))
        else:
            row.value = text


class Outbox:
    """The queue of events for the central server, appended in the writer's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        kind: str,
        entity_id: str,
        payload: dict[str, Any],
        ctx: DeskContext,
        at: str,
    ) -> None:
        self.session.add(
            OutboxRow(
                event_id=new_id(),
                kind=kind,
                entity_id=entity_id,
                payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                station_id=ctx.station_id,
                device_id=ctx.device_id,
                operator_id=ctx.operator_id or None,
                device_time=at,
            )
        )

    def pending_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.pushed_at.is_(None))
        return int(self.session.scalar(query) or 0)

    def pending_rows(self, limit: int, after_seq: int = 0) -> list[tuple[Any, ...]]:
        """The same as ``pending`` as plain tuples (seq, event_id, kind, entity_id, payload,
        station_id, device_id, operator_id, device_time): what a push reads, fast."""
        query = (
            select(
                OutboxRow.seq,
                OutboxRow.event_id,
                OutboxRow.kind,
                OutboxRow.entity_id,
                OutboxRow.payload,
                OutboxRow.station_id,
                OutboxRow.device_id,
                OutboxRow.operator_id,
                OutboxRow.device_time,
            )
            .where(OutboxRow.pushed_at.is_(None), OutboxRow.seq > after_seq)
            .order_by(OutboxRow.seq)
            .limit(limit)
        )
        return [tuple(row) for row in self.session.execute(query)]

    def pending(self, limit: int = 500, after_seq: int = 0) -> list[OutboxRow]:
        query = (
            select(OutboxRow)
            .where(OutboxRow.pushed_at.is_(None), OutboxRow.seq > after_seq)
            .order_by(OutboxRow.seq)
        ).limit(limit)
        return list(self.session.scalars(query))


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def failures_since(self, operator_id: str, since: str) -> list[str]:
        """Times of failed sign-ins after ``since`` and after the last successful one."""
        last_ok = self.session.scalar(
            select(func.max(AuditRow.device_time)).where(
                AuditRow.operator_id == operator_id, AuditRow.action == "sign_in"
            )
        )
        start = max(since, last_ok or "")
        query = (
            select(AuditRow.device_time)
            .where(
                AuditRow.operator_id == operator_id,
                AuditRow.action == "sign_in_failed",
                AuditRow.device_time > start,
            )
            .order_by(AuditRow.device_time)
        )
        return list(self.session.scalars(query))

    def record(self, action: str, operator_id: str | None, at: str, **detail: Any) -> None:
        self.session.add(
            AuditRow(
                id=new_id(),
                action=action,
                operator_id=operator_id,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
                device_time=at,
            )
        )


class PublicKeys:
    """Public keys by device code (``device_key`` table)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def public_key(self, device_code: str) -> bytes | None:
        row = self.session.get(DeviceKeyRow, device_code)
        return None if row is None or row.revoked_at else row.public_key

    def add(self, device_code: str, public_key: bytes, source: str, at: str) -> None:
        row = self.session.get(DeviceKeyRow, device_code)
        if row is None:
            self.session.add(
                DeviceKeyRow(
                    device_code=device_code, public_key=public_key, source=source, registered_at=at
                )
            )
        elif row.public_key != public_key:
            # A key is never replaced silently: the cards it signed would change owner.
            raise ValueError(f"device {device_code} already has another public key")


class Cards:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_member(self, member_id: str) -> list[CardRow]:
        query = select(CardRow).where(CardRow.member_id == member_id).order_by(CardRow.serial)
        return list(self.session.scalars(query))

    def current(self, member_id: str) -> CardRow | None:
        cards = [c for c in self.of_member(member_id) if c.status == "active"]
        return cards[-1] if cards else None

    def is_blocked(self, member_id: str, serial: int) -> bool:
        row = self.session.scalars(
            select(CardRow).where(CardRow.member_id == member_id, CardRow.serial == serial)
        ).first()
        return row is not None and row.status != "active"

    def add(self, row: CardRow) -> None:
        self.session.add(row)
        self.session.flush()  # its events refer to it; no relationship() orders the inserts

    def add_event(self, row: CardEventRow) -> None:
        self.session.add(row)

    def members_without_printed_card(self, limit: int | None = None) -> list[str]:
        # Printed = the current (active) card was printed; a reissued card waits again.
        printed = select(CardRow.member_id).where(
            CardRow.printed_count > 0, CardRow.status == "active"
        )
        query = (
            select(MemberRow.id)
            .where(MemberRow.active.is_(True), MemberRow.id.not_in(printed))
            .order_by(MemberRow.device_time)
        )
        if limit:
            query = query.limit(limit)
        return list(self.session.scalars(query))


class Certificates:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, serial: str) -> CertificateRow | None:
        return self.session.get(CertificateRow, serial)

    def add(self, row: CertificateRow) -> None:
        self.session.add(row)
