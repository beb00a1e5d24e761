"""A desk whose sequence went back: restored from an older backup.

Such a desk makes new events under sequence numbers (and member numbers, certificate
serials) it had already used before the backup was restored. The server notices the first
time it pushes: a new event (an id never stored) under a sequence another event of that
device already holds. It then stores nothing of that batch and answers the highest
sequence, member number and certificate serial it holds for the device; the desk moves its
waiting events and its counters past them (``desktop/services/sync/rewind.py``) and pushes
again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import RewoundDevice
from sync.server.models import DeviceRow, EventRow

REASON = "sequence_rewound"


def rewound(session: Session, device: DeviceRow, fresh_seqs: Iterable[int]) -> RewoundDevice | None:
    """What the device must continue after, if a new event came under a sequence the
    server already holds from it (a batch that merely arrives late, into a gap, is fine)."""
    seqs = [seq for seq in fresh_seqs if seq <= device.last_seq]
    if not seqs:
        return None
    taken = session.scalars(
        select(EventRow.seq).where(EventRow.device_id == device.id, EventRow.seq.in_(seqs)).limit(1)
    ).first()
    if taken is None:
        return None
    return RewoundDevice(
        last_seq=device.last_seq,
        member_seq=highest_member_seq(session, device),
        certificate_seq=highest_certificate_seq(session, device),
    )


def highest_member_seq(session: Session, device: DeviceRow) -> int:
    """The highest member number (``CODE-0042`` -> 42) the device registered, as stored."""
    return _highest(session, device, "member.registered", "member_number", f"{device.code}-")


def highest_certificate_seq(session: Session, device: DeviceRow) -> int:
    """The highest certificate serial (``C-CODE-0042`` -> 42) the device issued, as stored."""
    return _highest(session, device, "certificate.issued", "serial", f"C-{device.code}-")


def _highest(session: Session, device: DeviceRow, kind: str, field: str, prefix: str) -> int:
    payloads = session.scalars(
        select(EventRow.payload).where(EventRow.device_id == device.id, EventRow.kind == kind)
    )
    highest = 0
    for payload in payloads:
        number = str(json.loads(payload).get(field) or "")
        tail = number[len(prefix) :] if number.startswith(prefix) else ""
        if tail.isdigit():
            highest = max(highest, int(tail))
    return highest
