"""Appliers of what the server says: device keys (enrolled, revoked) and conflicts (opened,
resolved). The server's own kinds reach these only with a signature that verified with the
pinned server key (``replication.checked``).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import msgspec

from desktop.services.members import commands as members_commands
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.storage.desk.tables import DeviceKeyRow
from desktop.storage.sync.repositories import Conflicts
from desktop.storage.sync.tables import ConflictRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import SERVER_DEVICE_ID, EventKind
from sync.protocol.events.conflicts import (
    CONFLICT_OPENED,
    CONFLICT_RESOLVED,
    ConflictOpened,
    ConflictResolved,
)
from sync.protocol.events.keys import (
    DEVICE_ENROLLED,
    DEVICE_REVOKED,
    DeviceEnrolled,
    DeviceRevoked,
)


def _device_enrolled(uow: UnitOfWork, event: PulledEvent, payload: DeviceEnrolled) -> None:
    try:
        key = base64.b64decode(payload.public_key, validate=True)
    except (binascii.Error, ValueError):
        return
    if len(key) != 32:
        return
    row = uow.session.get(DeviceKeyRow, payload.device_code)
    if row is None:
        uow.session.add(
            DeviceKeyRow(
                device_code=payload.device_code,
                public_key=key,
                source="pulled",
                registered_at=event.device_time,
                station_name=payload.station_name,
            )
        )
    elif not row.station_name and row.public_key == key:
        row.station_name = payload.station_name  # pulled again (a reset): names it now
    # A code already known with another key is not replaced: cards it signed keep their owner.


def _device_revoked(uow: UnitOfWork, event: PulledEvent, payload: DeviceRevoked) -> None:
    row = uow.session.get(DeviceKeyRow, payload.device_code)
    if row is not None and row.source != "own" and row.revoked_at is None:
        row.revoked_at = payload.revoked_at or event.device_time


def _conflict_opened(uow: UnitOfWork, event: PulledEvent, payload: ConflictOpened) -> None:
    if uow.repo(Conflicts).get(payload.conflict_id) is not None:
        return
    uow.repo(Conflicts).add(
        ConflictRow(
            id=payload.conflict_id,
            kind=payload.conflict_kind,
            status="open",
            detail=json.dumps(msgspec.to_builtins(payload), ensure_ascii=False),
            opened_at=event.received_at,
            stations=" ".join(sorted({record.station_id for record in payload.records})),
        )
    )


def _conflict_resolved(uow: UnitOfWork, event: PulledEvent, payload: ConflictResolved) -> None:
    """The first resolution the server received stands. One made at HQ (by the server,
    signed) reached the server while the conflict was open there, so it stands even over
    this desk's own resolution made meanwhile: that one is kept as ``overruled``, never
    both shown as if each had won."""
    row = uow.repo(Conflicts).get(payload.conflict_id)
    if row is None:
        return
    from_hq = event.device_id == SERVER_DEVICE_ID
    if row.status == "resolved" and not from_hq:
        return
    resolution = msgspec.to_builtins(payload)
    if from_hq:
        resolution["by_hq"] = True
        if row.status == "resolved" and row.resolution:
            previous = json.loads(row.resolution)
            if previous.get("by_hq"):
                return  # HQ's own, pulled again
            resolution["overruled"] = previous
    row.status = "resolved"
    row.note = payload.note
    row.resolved_at = event.device_time
    row.resolution = json.dumps(resolution, ensure_ascii=False)
    if payload.action == "merge" and payload.merge_from and payload.merge_into:
        members_commands.merge_members(uow, payload.merge_from, payload.merge_into)


APPLIERS: dict[EventKind[Any], Applier] = {
    DEVICE_ENROLLED: _device_enrolled,
    DEVICE_REVOKED: _device_revoked,
    CONFLICT_OPENED: _conflict_opened,
    CONFLICT_RESOLVED: _conflict_resolved,
}
