"""What every area needs of the desk itself: this device, operators, settings, the audit log
and the public keys of devices."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.ids import new_id
from desktop.domain.model import (
    Device,
    Operator,
    Role,
    Station,
    StationKind,
)
from desktop.storage.desk.tables import (
    AuditRow,
    DeviceKeyRow,
    DeviceRow,
    OperatorRow,
    SettingRow,
    StationRow,
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

    def key_even_if_revoked(self, device_code: str) -> bytes | None:
        """The device's key, revoked or not: for what it signed before its revocation and
        the server vouched for (a certificate this desk pulled)."""
        row = self.session.get(DeviceKeyRow, device_code)
        return None if row is None else row.public_key

    def revoked_at(self, device_code: str) -> str | None:
        """When the server revoked the device (its time, UTC ISO), or None."""
        row = self.session.get(DeviceKeyRow, device_code)
        return None if row is None else row.revoked_at

    def station_names(self, codes: Iterable[str]) -> dict[str, str]:
        """Device code -> the station the server enrolled it for, for those of ``codes`` it
        named."""
        rows = self.session.execute(
            select(DeviceKeyRow.device_code, DeviceKeyRow.station_name).where(
                DeviceKeyRow.device_code.in_(set(codes)), DeviceKeyRow.station_name != ""
            )
        )
        return {code: name for code, name in rows}

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
