"""First start: name the station, make the device identity and the first admin."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.config import DeskSettings
from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput, RuleViolation
from desktop.domain.ids import new_device_code, new_id
from desktop.domain.model import DeskContext, Device, Operator, Role, StationKind
from desktop.services.desk.operators import hash_pin, validate_operator_name, validate_pin
from desktop.storage.desk.tables import DeviceRow, OperatorRow, StationRow
from desktop.storage.uow import UnitOfWork
from sync.protocol.events.desk import (
    DEVICE_CREATED,
    OPERATOR_CREATED,
    STATION_CREATED,
    DeviceCreated,
    OperatorChanged,
    StationCreated,
)


@dataclass(frozen=True)
class StationSetup:
    station_name: str
    kind: StationKind
    union_name: str
    admin_name: str
    admin_pin: str
    # The central server's public address for certificates, if the admin knows it already
    # ("" = not yet: enrolment tells the desk).
    verify_url: str = ""


def is_set_up(uow: UnitOfWork) -> bool:
    with uow.reading():
        return uow.device.row() is not None


def set_up_station(command: StationSetup, uow: UnitOfWork) -> tuple[Device, Operator]:
    name = " ".join(command.station_name.split())
    if not name:
        raise InvalidInput("setup.station_name_empty", field="station_name")
    if len(name) > 100:
        raise InvalidInput("setup.station_name_too_long", field="station_name", max=100)
    admin_name = validate_operator_name(command.admin_name)
    verify_url = DeskSettings.certificate_base_url.clean(command.verify_url)
    validate_pin(command.admin_pin)
    with uow:
        if uow.device.row() is not None:
            raise RuleViolation("setup.already_done")
        at = to_iso(uow.now())
        station = StationRow(
            id=new_id(),
            name=name,
            kind=StationKind(command.kind).value,
            union_name=" ".join(command.union_name.split()),
            created_at=at,
        )
        device = DeviceRow(
            id=new_id(), code=new_device_code(), station_id=station.id, created_at=at
        )
        uow.device.add(station, device)
        admin = OperatorRow(
            id=new_id(),
            name=admin_name,
            pin_hash=hash_pin(command.admin_pin),
            role=Role.ADMIN.value,
            active=True,
            station_id=station.id,
            device_id=device.id,
            created_at=at,
        )
        uow.operators.add(admin)
        ctx = DeskContext(station.id, device.id, admin.id, Role.ADMIN)
        uow.outbox.append(
            STATION_CREATED,
            station.id,
            StationCreated(name=station.name, kind=station.kind, union_name=station.union_name),
            ctx,
            at,
        )
        uow.outbox.append(
            DEVICE_CREATED,
            device.id,
            DeviceCreated(code=device.code, station_id=station.id),
            ctx,
            at,
        )
        uow.outbox.append(
            OPERATOR_CREATED, admin.id, OperatorChanged(name=admin.name, role=admin.role), ctx, at
        )
        if verify_url:
            DeskSettings.certificate_base_url.write(uow, verify_url)
        uow.audit.record("setup", admin.id, at, station=station.name)
        uow.commit()
        result = uow.device.get()
        assert result is not None
        return result, Operator(admin.id, admin.name, Role.ADMIN, True)
