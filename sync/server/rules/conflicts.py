"""A conflict resolved at a desk: the server records the resolution (and a merge of members).

The first resolution received stands (a desk's, or HQ's made in the console). One arriving
after it is not applied, but it is not dropped in silence either: it is kept in the
conflict's resolution as ``later`` so that HQ sees that a desk decided otherwise."""

from __future__ import annotations

import json

import msgspec
from sqlalchemy.orm import Session

from sync.protocol.events.conflicts import CONFLICT_RESOLVED, ConflictResolved
from sync.server import log
from sync.server.models import ConflictRow, DeviceRow, MemberIndexRow
from sync.server.rules.engine import Accepted, rule
from sync.server.signing import ServerKey


@rule(CONFLICT_RESOLVED)
def resolve(
    session: Session, device: DeviceRow, accepted: list[Accepted[ConflictResolved]], key: ServerKey
) -> None:
    for item in accepted:
        resolution = item.payload
        conflict = session.get(ConflictRow, resolution.conflict_id)
        if conflict is None:
            continue
        if conflict.status == "resolved":
            _keep_later(conflict, item, device)
            continue
        conflict.status = "resolved"
        conflict.resolved_at = log.now()
        data = msgspec.to_builtins(resolution)
        data.update(event_id=item.event.event_id, device_id=device.id, station_id=device.station_id)
        conflict.resolution = log.canonical(data)
        if resolution.action == "merge" and resolution.merge_from and resolution.merge_into:
            merged = session.get(MemberIndexRow, resolution.merge_from)
            if merged is not None:
                merged.merged_into = resolution.merge_into
    session.flush()


LATER_KEPT = 10


def _keep_later(conflict: ConflictRow, item: Accepted[ConflictResolved], device: DeviceRow) -> None:
    """A resolution that came after the one that stands: kept beside it, not applied."""
    kept = json.loads(conflict.resolution) if conflict.resolution else {}
    later = list(kept.get("later", []))
    if len(later) >= LATER_KEPT or any(x.get("event_id") == item.event.event_id for x in later):
        return
    later.append(
        {
            "event_id": item.event.event_id,
            "device_id": device.id,
            "station_id": item.station_id,
            "note": item.payload.note,
            "action": item.payload.action,
        }
    )
    kept["later"] = later
    conflict.resolution = log.canonical(kept)
