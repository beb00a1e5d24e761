"""Push: a batch of a device's events, each answered accepted, duplicate, conflict or rejected.

One transaction per batch: the events, the device's last sequence and the conflicts the rules
find are committed together, or not at all (then the desk sends the batch again and gets
``duplicate`` for whatever had been stored).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import (
    EventEnvelope,
    EventResult,
    EventStatus,
    PushReply,
    SequenceGap,
    dataset_of,
)
from sync.server import log, rewind, rules
from sync.server.models import DeviceRow, EventRow

MAX_PAYLOAD_BYTES = 64 * 1024


def _invalid(raw: dict[str, Any], error: ValidationError) -> EventResult:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    event_id = raw.get("event_id")
    seq = raw.get("seq")
    return EventResult(
        event_id=event_id[:36] if isinstance(event_id, str) else "",
        seq=seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
        status=EventStatus.REJECTED,
        reason=f"invalid:{where}:{first.get('type', '')}",
    )


def _check(device: DeviceRow, event: EventEnvelope, payload: str) -> str | None:
    if event.device_id != device.id:
        return "wrong_device"
    if event.station_id not in (device.station_id, device.local_station_id):
        return "wrong_station"
    if len(payload) > MAX_PAYLOAD_BYTES:  # characters: at least as many bytes
        return "payload_too_large"
    return None


def push(session: Session, device_id: str, raw_events: list[dict[str, Any]]) -> PushReply:
    # Lock the device row: two processes pushing for one device take turns.
    device = session.scalars(
        select(DeviceRow).where(DeviceRow.id == device_id).with_for_update()
    ).one()
    results: list[EventResult | None] = [None] * len(raw_events)
    valid: list[tuple[int, EventEnvelope, str, str]] = []
    for i, raw in enumerate(raw_events):
        try:
            event = EventEnvelope.model_validate(raw)
        except ValidationError as error:
            results[i] = _invalid(raw, error)
            continue
        try:
            payload = log.canonical(event.payload)
            hashed = log.digest(raw)  # the event as sent: a desk sends the same text each time
        except (TypeError, ValueError):  # e.g. an integer beyond 64 bits
            payload, hashed = "", ""
        problem = _check(device, event, payload) if hashed else "invalid:payload"
        if problem is not None:
            results[i] = EventResult(
                event_id=event.event_id, seq=event.seq, status=EventStatus.REJECTED, reason=problem
            )
            continue
        valid.append((i, event, hashed, payload))

    ids = [event.event_id for _, event, _, _ in valid]
    stored = {event_id: (hashed, seq) for event_id, seq, hashed in log.known(session, ids)}
    fresh: list[tuple[int, EventEnvelope, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    received = log.now()
    for i, event, hashed, payload in valid:
        known = stored.get(event.event_id)
        earlier = seen.get(event.event_id)
        if known is not None or earlier is not None:
            same = (known[0] if known is not None else earlier) == hashed
            results[i] = EventResult(
                event_id=event.event_id,
                seq=event.seq,
                status=EventStatus.DUPLICATE if same else EventStatus.CONFLICT,
                reason=None if same else "same_id_different_payload",
                server_seq=known[1] if known is not None else None,
            )
            continue
        seen[event.event_id] = hashed
        row = {
            "event_id": event.event_id,
            "device_id": device.id,
            "station_id": device.station_id,
            "seq": event.seq,
            "kind": event.kind,
            "dataset": dataset_of(event.kind),
            "entity_id": event.entity_id,
            "operator_id": event.operator_id,
            "device_time": event.device_time,
            "received_at": received,
            "payload": payload,
            "payload_hash": hashed,
        }
        fresh.append((i, event, row))

    went_back = rewind.rewound(session, device, (event.seq for _, event, _ in fresh))
    if went_back is not None:  # nothing of this batch is stored: the desk renumbers first
        for i, event, _row in fresh:
            results[i] = EventResult(
                event_id=event.event_id,
                seq=event.seq,
                status=EventStatus.REJECTED,
                reason=rewind.REASON,
            )
        session.flush()
        return PushReply(
            results=[r for r in results if r is not None],
            last_seq=device.last_seq,
            rewound=went_back,
        )

    sequences = log.append(session, [row for _, _, row in fresh])
    for (i, event, _row), server_seq in zip(fresh, sequences, strict=True):
        results[i] = EventResult(
            event_id=event.event_id,
            seq=event.seq,
            status=EventStatus.ACCEPTED,
            server_seq=server_seq,
        )

    gap = None
    if fresh:
        first = min(event.seq for _, event, _ in fresh)
        if first > device.last_seq + 1:
            gap = SequenceGap(expected=device.last_seq + 1, received=first)
        device.last_seq = max(device.last_seq, max(event.seq for _, event, _ in fresh))
        device.events += len(fresh)
    device.last_push_at = received

    accepted = [
        (event, server_seq, row)
        for (_i, event, row), server_seq in zip(fresh, sequences, strict=True)
    ]
    rules.run(session, device, accepted)
    session.flush()
    final = [result for result in results if result is not None]
    assert len(final) == len(raw_events)
    return PushReply(results=final, last_seq=device.last_seq, gap=gap)


def payload_of(row: EventRow) -> dict[str, Any]:
    value = json.loads(row.payload)
    assert isinstance(value, dict)
    return value
