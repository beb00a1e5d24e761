"""What sync needs of the local store: its state, pull cursors, push results, conflicts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desktop.storage.sync.tables import (
    ConflictRow,
    OutboxRow,
    PulledQuarantineRow,
    SyncCursorRow,
    SyncStateRow,
)

QUARANTINED = "quarantined"

_RECORD = "UPDATE outbox SET pushed_at = ?, result = ?, reason = ?, server_seq = ? WHERE seq = ?"


class SyncState:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str, default: Any = None) -> Any:
        row = self.session.get(SyncStateRow, key)
        return default if row is None else json.loads(row.value)

    def set(self, key: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False)
        row = self.session.get(SyncStateRow, key)
        if row is None:
            self.session.add(SyncStateRow(key=key, value=text))
        else:
            row.value = text

    def all(self) -> dict[str, Any]:
        return {
            row.key: json.loads(row.value) for row in self.session.scalars(select(SyncStateRow))
        }


class Cursors:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, dataset: str) -> str:
        row = self.session.get(SyncCursorRow, dataset)
        return "" if row is None else row.cursor

    def advance(self, dataset: str, cursor: str, applied: int, at: str) -> None:
        row = self.session.get(SyncCursorRow, dataset)
        if row is None:
            self.session.add(
                SyncCursorRow(dataset=dataset, cursor=cursor, applied=applied, updated_at=at)
            )
        else:
            row.cursor = cursor
            row.applied += applied
            row.updated_at = at

    def clear(self) -> None:
        for row in self.session.scalars(select(SyncCursorRow)):
            self.session.delete(row)

    def forget(self, datasets: Sequence[str]) -> None:
        """Pull these datasets from their start again."""
        for row in self.session.scalars(
            select(SyncCursorRow).where(SyncCursorRow.dataset.in_(datasets))
        ):
            self.session.delete(row)

    def applied(self) -> dict[str, int]:
        return {row.dataset: row.applied for row in self.session.scalars(select(SyncCursorRow))}


class PushResults:
    """Results of pushes, written onto the outbox rows they answer."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, answers: list[tuple[str, str, str | None, int | None, int]]) -> None:
        """Many answers in one statement: tuples of (at, result, reason, server_seq, seq)."""
        if answers:
            self.session.connection().exec_driver_sql(_RECORD, answers)

    def quarantined(self, limit: int = 500) -> list[OutboxRow]:
        query = (
            select(OutboxRow)
            .where(OutboxRow.result == QUARANTINED)
            .order_by(OutboxRow.seq)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def quarantined_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.result == QUARANTINED)
        return int(self.session.scalar(query) or 0)

    def entity_pending(self, entity_id: str) -> bool:
        """Whether this desk changed the entity and has not pushed the change yet."""
        query = select(OutboxRow.seq).where(
            OutboxRow.entity_id == entity_id, OutboxRow.pushed_at.is_(None)
        )
        return self.session.scalar(query.limit(1)) is not None

    def push_everything_again(self) -> int:
        """After the server's database was replaced: every event goes again (the server
        answers duplicate for what it still has)."""
        result = self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.pushed_at.is_not(None))
            .values(pushed_at=None, result=None, reason=None, server_seq=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class PulledQuarantine:
    """Pulled events set aside with their reason (never applied, never blocking the rest)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: PulledQuarantineRow) -> None:
        """Once per event: the same event pulled again (after a reset) is kept once."""
        if self.session.get(PulledQuarantineRow, row.event_id) is None:
            self.session.add(row)

    def list(self, limit: int = 500) -> list[PulledQuarantineRow]:
        query = select(PulledQuarantineRow).order_by(PulledQuarantineRow.server_seq).limit(limit)
        return list(self.session.scalars(query))

    def count(self) -> int:
        query = select(func.count()).select_from(PulledQuarantineRow)
        return int(self.session.scalar(query) or 0)

    def forget_unsigned(self) -> None:
        """Drop the events set aside for their signature (pulled again, checked anew)."""
        self.session.execute(
            delete(PulledQuarantineRow).where(PulledQuarantineRow.reason.startswith("signature"))
        )


class Conflicts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, conflict_id: str) -> ConflictRow | None:
        return self.session.get(ConflictRow, conflict_id)

    def add(self, row: ConflictRow) -> None:
        self.session.add(row)

    def list(self, include_resolved: bool = False, station: str | None = None) -> list[ConflictRow]:
        query = select(ConflictRow).order_by(ConflictRow.opened_at)
        if not include_resolved:
            query = query.where(ConflictRow.status == "open")
        if station is not None:
            query = query.where(ConflictRow.stations.contains(station))
        return list(self.session.scalars(query))

    def open_count(self, station: str | None = None) -> int:
        query = select(func.count()).select_from(ConflictRow).where(ConflictRow.status == "open")
        if station is not None:
            query = query.where(ConflictRow.stations.contains(station))
        return int(self.session.scalar(query) or 0)
