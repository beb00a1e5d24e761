"""Business rules that only show once records from several desks meet, and the few that
refuse an event outright.

A rule sees the events just accepted in a push (inside the push's transaction) and may open
conflicts. Conflicts never refuse an event: the box has left the building, the person has
been registered; both records are kept and a conflict names both. Each area adds a module
beside this one, registers its rules by declared event kind (each event comes with its
payload already decoded to the kind's type), and is listed in ``rules/__init__.py``::

    @rule(HANDOUT_RECORDED)
    def handout_limit(session, device, accepted: list[Accepted[HandoutRecorded]], key): ...

A *refusal* is the exception: it sees the events a push is about to store (after every other
check, before anything is written) and may refuse some, each alone and with a reason, as
ingest refuses a bad payload. Only for what must never enter the log because desks would
act on it (a second certificate under a serial already issued; a revocation by a desk
that did not issue the certificate)::

    @refusal(CERTIFICATE_ISSUED)
    def serial_taken(session, device, offered: list[Offered[CertificateIssued]]) -> dict[int, str]
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from sync.protocol import EventKind, decode
from sync.protocol.contract import Envelope, Payload
from sync.protocol.events.conflicts import CONFLICT_OPENED, ConflictOpened, ConflictRecord
from sync.server import log
from sync.server.models import (
    ConflictRow,
    DeviceRow,
    EventRow,
    OperatorIndexRow,
    StationRow,
)
from sync.server.signing import ServerKey

P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class Accepted(Generic[P]):
    event: Envelope
    server_seq: int  # 0 for the station-local kinds, whose rules run before numbering
    row: dict[str, Any]  # the stored columns (station_id is the server's station)
    payload: P  # the event's payload, decoded to its kind's type

    @property
    def station_id(self) -> str:
        return str(self.row["station_id"])


Rule = Callable[[Session, DeviceRow, list[Accepted[Any]], ServerKey], None]
_RULES: dict[str, list[Rule]] = {}


@dataclass(frozen=True)
class Offered(Generic[P]):
    """An event a push is about to store: its place in the batch, envelope and payload."""

    position: int
    event: Envelope
    payload: P


Refusal = Callable[[Session, DeviceRow, list[Offered[Any]]], dict[int, str]]
_REFUSALS: dict[str, list[Refusal]] = {}


def refusal(
    *kinds: EventKind[P],
) -> Callable[
    [Callable[[Session, DeviceRow, list[Offered[P]]], dict[int, str]]],
    Callable[[Session, DeviceRow, list[Offered[P]]], dict[int, str]],
]:
    def register(
        function: Callable[[Session, DeviceRow, list[Offered[P]]], dict[int, str]],
    ) -> Callable[[Session, DeviceRow, list[Offered[P]]], dict[int, str]]:
        for kind in kinds:
            _REFUSALS.setdefault(kind.name, []).append(function)
        return function

    return register


def refused(
    session: Session, device: DeviceRow, offered: list[tuple[int, Envelope, Payload]]
) -> dict[int, str]:
    """Position -> reason for the events (position in the batch, envelope, typed payload,
    in batch order) that a refusal of their kind refuses."""
    by_refusal: dict[Refusal, list[Offered[Any]]] = {}
    for position, event, payload in offered:
        for function in _REFUSALS.get(event.kind, ()):
            by_refusal.setdefault(function, []).append(Offered(position, event, payload))
    reasons: dict[int, str] = {}
    for function, events in by_refusal.items():
        for position, reason in function(session, device, events).items():
            reasons.setdefault(position, reason)
    return reasons


def rule(
    *kinds: EventKind[P],
) -> Callable[
    [Callable[[Session, DeviceRow, list[Accepted[P]], ServerKey], None]],
    Callable[[Session, DeviceRow, list[Accepted[P]], ServerKey], None],
]:
    def register(
        function: Callable[[Session, DeviceRow, list[Accepted[P]], ServerKey], None],
    ) -> Callable[[Session, DeviceRow, list[Accepted[P]], ServerKey], None]:
        for kind in kinds:
            _RULES.setdefault(kind.name, []).append(function)
        return function

    return register


def has_rules(kind: str) -> bool:
    return kind in _RULES


def run(
    session: Session,
    device: DeviceRow,
    accepted: list[tuple[Envelope, int, dict[str, Any], Payload]],
    key: ServerKey,
) -> None:
    """The rules of the accepted events' kinds, each with its events (event, server
    sequence, stored row, typed payload) in the order accepted. The server sequence is 0 when
    the rules run before the batch is numbered (``rules.STATION_LOCAL``: none reads it)."""
    by_rule: dict[Rule, list[Accepted[Any]]] = {}
    for event, server_seq, row, payload in accepted:
        for function in _RULES.get(event.kind, ()):
            by_rule.setdefault(function, []).append(Accepted(event, server_seq, row, payload))
    for function, events in by_rule.items():
        function(session, device, events, key)


def stored_payload(row: EventRow) -> Payload:
    """The typed payload of an event in the log (accepted, so it matched its kind then)."""
    return decode(row.kind, json.loads(row.payload))


def record_of(session: Session, row: EventRow, summary: dict[str, Any]) -> ConflictRecord:
    """One side of a conflict, with the names a person at a desk understands."""
    station = session.get(StationRow, row.station_id)
    device = session.get(DeviceRow, row.device_id)
    operator = session.get(OperatorIndexRow, row.operator_id) if row.operator_id else None
    return ConflictRecord(
        event_id=row.event_id,
        entity_id=row.entity_id,
        kind=row.kind,
        station_id=row.station_id,
        station_name=station.name if station else "",
        device_id=row.device_id,
        device_code=device.code if device else "",
        operator_id=row.operator_id,
        operator_name=operator.name if operator else "",
        device_time=_iso(log.aware(row.device_time)),
        received_at=_iso(log.aware(row.received_at)),
        summary=summary,
    )


def _iso(moment: Any) -> str:
    return str(moment.isoformat()).replace("+00:00", "Z")


def event_row(session: Session, event_id: str) -> EventRow:
    return session.scalars(select(EventRow).where(EventRow.event_id == event_id)).one()


def open_conflict(
    session: Session,
    key: ServerKey,
    kind: str,
    subject: str,
    first: ConflictRecord,
    second: ConflictRecord,
    detail: dict[str, Any] | None = None,
) -> str | None:
    """Open one conflict per (kind, subject); returns its id, or None if already open."""
    exists = session.scalar(
        select(ConflictRow.id).where(ConflictRow.kind == kind, ConflictRow.subject == subject)
    )
    if exists is not None:
        return None
    conflict_id = str(uuid7())
    opened = ConflictOpened(
        conflict_id=conflict_id,
        conflict_kind=kind,
        records=(first, second),
        detail=detail or {},
    )
    data = CONFLICT_OPENED.encode(opened)
    session.add(
        ConflictRow(
            id=conflict_id,
            kind=kind,
            subject=subject[:120],
            status="open",
            event_a=first.event_id,
            event_b=second.event_id,
            detail=json.dumps(data, ensure_ascii=False),
            opened_at=log.now(),
        )
    )
    session.flush()
    log.append(
        session, [log.server_event(CONFLICT_OPENED, conflict_id, opened, key, second.station_id)]
    )
    return conflict_id
