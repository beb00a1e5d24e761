"""Every change made through the console (or the server's CLI) is recorded: who, what, when.

``record(session, who, action, target, station_id=..., address=..., **detail)`` in the same
transaction as the change itself, so a change is never without its record (nor a record
without its change). ``who`` is an ``Account`` or a plain actor name (``"cli"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server import log
from sync.server.models import AuditRow


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    target: str
    station_id: str | None
    detail: dict[str, Any]
    address: str


def record(
    session: Session,
    who: Any,
    action: str,
    target: str = "",
    station_id: str | None = None,
    address: str = "",
    **detail: Any,
) -> None:
    actor = who if isinstance(who, str) else str(getattr(who, "name", who))
    session.add(
        AuditRow(
            at=log.now(),
            actor=actor[:60],
            action=action[:40],
            target=target[:200],
            station_id=station_id,
            detail=log.canonical(detail),
            address=address[:60],
        )
    )


def recent(session: Session, limit: int = 200, station_ids: list[str] | None = None) -> list[Entry]:
    """The newest entries first; only those of these stations when given."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if station_ids is not None:
        query = query.where(AuditRow.station_id.in_(station_ids))
    return [
        Entry(
            log.aware(row.at),
            row.actor,
            row.action,
            row.target,
            row.station_id,
            orjson.loads(row.detail),
            row.address,
        )
        for row in session.scalars(query)
    ]
