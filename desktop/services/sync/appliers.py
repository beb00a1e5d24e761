"""Appliers of what the server says: device keys (enrolled, revoked) and conflicts (opened,
resolved).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

import base64
import binascii
import json

from desktop.services.members import commands as members_commands
from desktop.services.sync.replication import Applier, PulledEvent, text_of
from desktop.storage.desk.tables import DeviceKeyRow
from desktop.storage.sync.repositories import Conflicts
from desktop.storage.sync.tables import ConflictRow
from desktop.storage.uow import UnitOfWork


def _device_enrolled(uow: UnitOfWork, event: PulledEvent) -> None:
    code = text_of(event.payload, "device_code", 8)
    try:
        key = base64.b64decode(text_of(event.payload, "public_key", 60), validate=True)
    except (binascii.Error, ValueError):
        return
    if not code or len(key) != 32:
        return
    row = uow.session.get(DeviceKeyRow, code)
    if row is None:
        uow.session.add(
            DeviceKeyRow(
                device_code=code, public_key=key, source="pulled", registered_at=event.device_time
            )
        )


def _device_revoked(uow: UnitOfWork, event: PulledEvent) -> None:
    row = uow.session.get(DeviceKeyRow, text_of(event.payload, "device_code", 8))
    if row is not None and row.source != "own" and row.revoked_at is None:
        row.revoked_at = event.device_time


def _conflict_opened(uow: UnitOfWork, event: PulledEvent) -> None:
    conflict_id = text_of(event.payload, "conflict_id", 36)
    if not conflict_id or uow.repo(Conflicts).get(conflict_id) is not None:
        return
    uow.repo(Conflicts).add(
        ConflictRow(
            id=conflict_id,
            kind=text_of(event.payload, "conflict_kind", 40),
            status="open",
            detail=json.dumps(event.payload, ensure_ascii=False),
            opened_at=event.received_at,
            stations=" ".join(
                sorted(
                    {
                        str(record.get("station_id"))
                        for record in event.payload.get("records", [])
                        if isinstance(record, dict)
                    }
                )
            ),
        )
    )


def _conflict_resolved(uow: UnitOfWork, event: PulledEvent) -> None:
    row = uow.repo(Conflicts).get(text_of(event.payload, "conflict_id", 36))
    if row is None or row.status == "resolved":
        return
    row.status = "resolved"
    row.note = text_of(event.payload, "note", 500)
    row.resolved_at = event.device_time
    row.resolution = json.dumps(event.payload, ensure_ascii=False)
    if event.payload.get("action") == "merge":
        merge_from = text_of(event.payload, "merge_from", 36)
        merge_into = text_of(event.payload, "merge_into", 36)
        if merge_from and merge_into:
            members_commands.merge_members(uow, merge_from, merge_into)


APPLIERS: dict[str, Applier] = {
    "device.enrolled": _device_enrolled,
    "device.revoked": _device_revoked,
    "conflict.opened": _conflict_opened,
    "conflict.resolved": _conflict_resolved,
}
