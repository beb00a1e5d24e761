"""Pull: pages of the shared events other devices made, after an opaque cursor.

A cursor is the server's epoch and a server sequence, base64-encoded: never a timestamp. A
cursor from another epoch (the database was restored or replaced) answers "reset".
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import DATASETS, PulledEnvelope, PullReply
from sync.server import log
from sync.server.models import DeviceRow, EventRow


class CursorError(Exception):
    """The cursor is not one this database made: the desk must start over (reset)."""


class UnknownDataset(Exception):
    pass


def encode_cursor(epoch: str, server_seq: int) -> str:
    return base64.urlsafe_b64encode(f"{epoch}:{server_seq}".encode()).decode("ascii")


def decode_cursor(epoch: str, cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
        made_in, seq = text.split(":", 1)
        value = int(seq)
    except (ValueError, UnicodeError) as error:
        raise CursorError() from error
    if made_in != epoch or value < 0:
        raise CursorError()
    return value


def _envelope(row: EventRow) -> PulledEnvelope:
    payload: dict[str, Any] = json.loads(row.payload)
    return PulledEnvelope(
        event_id=row.event_id,
        seq=max(row.seq, 1) if row.seq else row.server_seq,
        kind=row.kind,
        entity_id=row.entity_id,
        station_id=row.station_id,
        device_id=row.device_id,
        operator_id=row.operator_id,
        device_time=log.aware(row.device_time),
        payload=payload,
        server_seq=row.server_seq,
        received_at=log.aware(row.received_at),
    )


def pull(
    session: Session, device: DeviceRow, epoch: str, dataset: str, cursor: str, limit: int
) -> PullReply:
    if dataset not in DATASETS:
        raise UnknownDataset(dataset)
    after = decode_cursor(epoch, cursor)
    rows = session.scalars(
        select(EventRow)
        .where(
            EventRow.dataset == dataset,
            EventRow.server_seq > after,
            EventRow.device_id != device.id,
        )
        .order_by(EventRow.server_seq)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    page = rows[:limit]
    last = page[-1].server_seq if page else after
    device.last_pull_at = log.now()
    return PullReply(
        dataset=dataset,
        events=[_envelope(row) for row in page],
        cursor=encode_cursor(epoch, last),
        more=more,
    )
