"""A conflict resolved at a desk: the server records the resolution (and a merge of members)."""

from __future__ import annotations

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
        if conflict is None or conflict.status == "resolved":
            continue  # the first resolution received stands; later ones stay in the log
        conflict.status = "resolved"
        conflict.resolved_at = log.now()
        data = msgspec.to_builtins(resolution)
        data.update(event_id=item.event.event_id, device_id=device.id)
        conflict.resolution = log.canonical(data)
        if resolution.action == "merge" and resolution.merge_from and resolution.merge_into:
            merged = session.get(MemberIndexRow, resolution.merge_from)
            if merged is not None:
                merged.merged_into = resolution.merge_into
    session.flush()
