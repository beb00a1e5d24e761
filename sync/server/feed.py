"""Pull: pages of the shared events other devices made, after an opaque cursor.

A cursor is the server's epoch and a server sequence, base64-encoded: never a timestamp. A
cursor from another epoch (the database was restored or replaced) answers "reset".
"""

from __future__ import annotations

import base64
import json
from typing import Any

import orjson
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


def _envelope(row: Any) -> PulledEnvelope:
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
        signature=row.signature,
    )


def _envelope_fields(row: Any) -> dict[str, Any]:
    """One pulled event for ``orjson``, its stored payload text spliced in (not parsed
    again)."""
    fields = {
        "event_id": row.event_id,
        "seq": row.seq if row.seq else row.server_seq,
        "kind": row.kind,
        "entity_id": row.entity_id,
        "station_id": row.station_id,
        "device_id": row.device_id,
        "operator_id": row.operator_id,
        "device_time": log.aware(row.device_time),
        "server_seq": row.server_seq,
        "received_at": log.aware(row.received_at),
        "payload": orjson.Fragment(row.payload),
    }
    if row.signature is not None:  # server-authored events only
        fields["signature"] = row.signature
    return fields


def pull_json(
    session: Session, device: DeviceRow, epoch: str, dataset: str, cursor: str, limit: int
) -> bytes:
    """The same reply as ``pull``, serialised directly (a page holds thousands of events:
    one ``orjson.dumps`` for the page)."""
    rows, next_cursor, more = _page(session, device, epoch, dataset, cursor, limit)
    reply = {
        "dataset": dataset,
        "events": [_envelope_fields(row) for row in rows],
        "cursor": next_cursor,
        "more": more,
    }
    return orjson.dumps(reply, option=orjson.OPT_UTC_Z)


PAGE_COLUMNS = (
    "event_id",
    "seq",
    "kind",
    "entity_id",
    "station_id",
    "device_id",
    "operator_id",
    "device_time",
    "server_seq",
    "received_at",
    "payload",
    "signature",
)


def _page(
    session: Session, device: DeviceRow, epoch: str, dataset: str, cursor: str, limit: int
) -> tuple[list[Any], str, bool]:
    if dataset not in DATASETS:
        raise UnknownDataset(dataset)
    after = decode_cursor(epoch, cursor)
    columns = [getattr(EventRow, name) for name in PAGE_COLUMNS]
    rows = session.execute(
        select(*columns)
        .where(
            EventRow.dataset == dataset,
            EventRow.server_seq > after,
            EventRow.device_id != device.id,
        )
        .order_by(EventRow.server_seq)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    page = list(rows[:limit])
    last = page[-1].server_seq if page else after
    device.last_pull_at = log.now()
    return page, encode_cursor(epoch, last), more


def pull(
    session: Session, device: DeviceRow, epoch: str, dataset: str, cursor: str, limit: int
) -> PullReply:
    rows, next_cursor, more = _page(session, device, epoch, dataset, cursor, limit)
    return PullReply(
        dataset=dataset,
        events=[_envelope(row) for row in rows],
        cursor=next_cursor,
        more=more,
    )
