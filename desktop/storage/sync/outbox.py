"""The outbox: the queue of events for the central server, appended by every write in its
own transaction."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.ids import new_id
from desktop.domain.model import (
    DeskContext,
)
from desktop.storage.sync.tables import OutboxRow
from sync.protocol import EventKind
from sync.protocol.contract import Payload

P = TypeVar("P", bound=Payload)


def payload_json(kind: EventKind[P], payload: P) -> str:
    """What the outbox stores of a payload: its kind's declared type as JSON, keys sorted.
    Refuses a kind only the server may make and a payload of another type."""
    if not kind.author.desks_may_make:
        raise ValueError(f"{kind.name} is made by the server, never at a desk")
    return json.dumps(kind.encode(payload), ensure_ascii=False, sort_keys=True)


class Outbox:
    """The queue of events for the central server, appended in the writer's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        kind: EventKind[P],
        entity_id: str,
        payload: P,
        ctx: DeskContext,
        at: str,
    ) -> None:
        """Queue one event of a declared kind (``sync.protocol.events``) with its typed
        payload."""
        self.session.add(
            OutboxRow(
                event_id=new_id(),
                kind=kind.name,
                entity_id=entity_id,
                payload=payload_json(kind, payload),
                station_id=ctx.station_id,
                device_id=ctx.device_id,
                operator_id=ctx.operator_id or None,
                device_time=at,
            )
        )

    def pending_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.pushed_at.is_(None))
        return int(self.session.scalar(query) or 0)

    def pending_rows(self, limit: int, after_seq: int = 0) -> list[tuple[Any, ...]]:
        """The same as ``pending`` as plain tuples (seq, event_id, kind, entity_id, payload,
        station_id, device_id, operator_id, device_time): what a push reads, fast."""
        query = (
            select(
                OutboxRow.seq,
                OutboxRow.event_id,
                OutboxRow.kind,
                OutboxRow.entity_id,
                OutboxRow.payload,
                OutboxRow.station_id,
                OutboxRow.device_id,
                OutboxRow.operator_id,
                OutboxRow.device_time,
            )
            .where(OutboxRow.pushed_at.is_(None), OutboxRow.seq > after_seq)
            .order_by(OutboxRow.seq)
            .limit(limit)
        )
        return [tuple(row) for row in self.session.execute(query)]

    def pending(self, limit: int = 500, after_seq: int = 0) -> list[OutboxRow]:
        query = (
            select(OutboxRow)
            .where(OutboxRow.pushed_at.is_(None), OutboxRow.seq > after_seq)
            .order_by(OutboxRow.seq)
        ).limit(limit)
        return list(self.session.scalars(query))
