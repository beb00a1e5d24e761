"""What the console's pages show, read from the server's own tables (never the event log):
stations with their devices and open conflicts, devices, conflicts — each only as far as
the account may see (``Account.may_see``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.server import log
from sync.server.models import ConflictRow, DeviceRow, StationRow
from sync.server.web.hq.auth import Account


@dataclass(frozen=True)
class StationLine:
    id: str
    name: str
    kind: str
    union: str
    created_at: datetime
    devices: int
    revoked: int
    last_sync: datetime | None
    waiting: int  # events the desks numbered that have not arrived (gaps), when known
    open_conflicts: int


@dataclass(frozen=True)
class DeviceLine:
    id: str
    code: str
    station_id: str
    station_name: str
    union: str
    enrolled_at: datetime
    revoked_at: datetime | None
    last_push_at: datetime | None
    last_pull_at: datetime | None
    events: int
    waiting: int
    app_version: str


@dataclass(frozen=True)
class ConflictLine:
    id: str
    kind: str
    status: str
    opened_at: datetime
    resolved_at: datetime | None
    records: list[dict[str, Any]]
    detail: dict[str, Any]
    resolution: dict[str, Any] | None
    station_ids: list[str] = field(default_factory=list)


def visible_stations(session: Session, account: Account) -> list[StationRow]:
    query = select(StationRow).order_by(StationRow.name)
    if not account.is_admin:
        query = query.where(StationRow.union_name == (account.union or "\x00"))
    return list(session.scalars(query))


def station_for(session: Session, account: Account, station_id: str) -> StationRow | None:
    """The station, if it exists and this account may see it (else None: a 404, so that a
    district viewer cannot even learn that another union's station exists)."""
    station = session.get(StationRow, station_id[:36])
    if station is None or not account.may_see(station.union_name):
        return None
    return station


def _latest(*moments: datetime | None) -> datetime | None:
    known = [log.aware(m) for m in moments if m is not None]
    return max(known) if known else None


def stations(session: Session, account: Account) -> list[StationLine]:
    return stations_of(session, visible_stations(session, account))


def stations_of(session: Session, rows: list[StationRow]) -> list[StationLine]:
    ids = [row.id for row in rows]
    per: dict[str, dict[str, Any]] = {
        i: {"devices": 0, "revoked": 0, "last": None, "waiting": 0} for i in ids
    }
    if ids:
        for station_id, revoked, count, push, pull, waiting in session.execute(
            select(
                DeviceRow.station_id,
                DeviceRow.revoked_at.is_not(None),
                func.count(),
                func.max(DeviceRow.last_push_at),
                func.max(DeviceRow.last_pull_at),
                func.sum(DeviceRow.last_seq - DeviceRow.events),
            )
            .where(DeviceRow.station_id.in_(ids))
            .group_by(DeviceRow.station_id, DeviceRow.revoked_at.is_not(None))
        ):
            entry = per[station_id]
            entry["revoked" if revoked else "devices"] += int(count)
            entry["last"] = _latest(entry["last"], push, pull)
            if not revoked:
                entry["waiting"] += max(int(waiting or 0), 0)
    conflicts = open_conflicts_by_station(session)
    return [
        StationLine(
            id=row.id,
            name=row.name,
            kind=row.kind,
            union=row.union_name,
            created_at=log.aware(row.created_at),
            devices=per[row.id]["devices"],
            revoked=per[row.id]["revoked"],
            last_sync=per[row.id]["last"],
            waiting=per[row.id]["waiting"],
            open_conflicts=conflicts.get(row.id, 0),
        )
        for row in rows
    ]


def devices(
    session: Session,
    account: Account,
    station_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[DeviceLine]:
    """The devices the account may see, by station name and code; ``limit``/``offset``: one
    page of them (a district has thousands)."""
    query = (
        select(DeviceRow, StationRow)
        .join(StationRow, StationRow.id == DeviceRow.station_id)
        .order_by(StationRow.name, DeviceRow.code)
    )
    if station_id is not None:
        query = query.where(DeviceRow.station_id == station_id)
    if not account.is_admin:
        query = query.where(StationRow.union_name == (account.union or "\x00"))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [
        DeviceLine(
            id=device.id,
            code=device.code,
            station_id=station.id,
            station_name=station.name,
            union=station.union_name,
            enrolled_at=log.aware(device.enrolled_at),
            revoked_at=log.aware(device.revoked_at) if device.revoked_at else None,
            last_push_at=log.aware(device.last_push_at) if device.last_push_at else None,
            last_pull_at=log.aware(device.last_pull_at) if device.last_pull_at else None,
            events=device.events,
            waiting=max(device.last_seq - device.events, 0),
            app_version=device.app_version,
        )
        for device, station in session.execute(query)
    ]


def device_count(session: Session, account: Account) -> int:
    query = select(func.count()).select_from(DeviceRow)
    if not account.is_admin:
        query = query.join(StationRow, StationRow.id == DeviceRow.station_id).where(
            StationRow.union_name == (account.union or "\x00")
        )
    return int(session.scalar(query) or 0)


def _line(row: ConflictRow) -> ConflictLine:
    detail = json.loads(row.detail)
    records = list(detail.get("records", []))
    return ConflictLine(
        id=row.id,
        kind=row.kind,
        status=row.status,
        opened_at=log.aware(row.opened_at),
        resolved_at=log.aware(row.resolved_at) if row.resolved_at else None,
        records=records,
        detail=dict(detail.get("detail", {})),
        resolution=json.loads(row.resolution) if row.resolution else None,
        station_ids=sorted({str(r.get("station_id", "")) for r in records}),
    )


def open_conflicts_by_station(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in session.scalars(select(ConflictRow).where(ConflictRow.status == "open")):
        for station_id in _line(row).station_ids:
            counts[station_id] = counts.get(station_id, 0) + 1
    return counts


def _unions(session: Session, station_ids: set[str]) -> dict[str, str]:
    if not station_ids:
        return {}
    query = select(StationRow.id, StationRow.union_name).where(StationRow.id.in_(station_ids))
    return {station_id: union for station_id, union in session.execute(query)}


def may_see_conflict(session: Session, account: Account, line: ConflictLine) -> bool:
    """A district viewer sees a conflict only when every station in it is its union's (the
    other side's station and attendant are another union's business)."""
    if account.is_admin:
        return True
    unions = _unions(session, set(line.station_ids))
    return bool(line.station_ids) and all(
        account.may_see(unions.get(station_id)) for station_id in line.station_ids
    )


def conflicts(
    session: Session, account: Account, status: str | None = None, station_id: str | None = None
) -> list[ConflictLine]:
    query = select(ConflictRow).order_by(ConflictRow.opened_at.desc())
    if status is not None:
        query = query.where(ConflictRow.status == status)
    lines = [_line(row) for row in session.scalars(query.limit(500))]
    if station_id is not None:
        lines = [line for line in lines if station_id in line.station_ids]
    return [line for line in lines if may_see_conflict(session, account, line)]


def conflict_for(session: Session, account: Account, conflict_id: str) -> ConflictLine | None:
    row = session.get(ConflictRow, conflict_id[:36])
    if row is None:
        return None
    line = _line(row)
    return line if may_see_conflict(session, account, line) else None


def station_names(session: Session, station_ids: set[str]) -> dict[str, str]:
    if not station_ids:
        return {}
    query = select(StationRow.id, StationRow.name).where(StationRow.id.in_(station_ids))
    return {station_id: name for station_id, name in session.execute(query)}
