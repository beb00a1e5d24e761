"""Appending to the event log: the one place where server sequence numbers are taken.

On PostgreSQL, concurrent transactions could commit their sequence numbers out of order, and a
puller that saw 101 committed before 100 would skip 100 for ever. So every writer of the log
takes one transaction-scoped advisory lock before it inserts: sequence numbers are then
handed out and committed in order, and a pull cursor never passes an uncommitted event.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from sync.protocol import SERVER_DEVICE_ID, dataset_of
from sync.server.models import EventRow

LOG_LOCK = 0x5753_594E  # "WSYN"


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; the server stores UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


def lock_log(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOG_LOCK})


def append(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert event rows (dicts of EventRow columns); returns their server sequences."""
    if not rows:
        return []
    lock_log(session)
    result = session.execute(
        insert(EventRow).returning(EventRow.server_seq, sort_by_parameter_order=True), rows
    )
    return [int(seq) for seq in result.scalars()]


def server_event(
    kind: str, entity_id: str, payload: dict[str, Any], station_id: str = SERVER_DEVICE_ID
) -> dict[str, Any]:
    """A row for an event the server itself makes (enrolments, revocations, conflicts)."""
    from uuid6 import uuid7

    at = now()
    event_id = str(uuid7())
    return {
        "event_id": event_id,
        "device_id": SERVER_DEVICE_ID,
        "station_id": station_id,
        "seq": 0,
        "kind": kind,
        "dataset": dataset_of(kind),
        "entity_id": entity_id,
        "operator_id": None,
        "device_time": at,
        "received_at": at,
        "payload": canonical(payload),
        "payload_hash": digest(payload),
    }
