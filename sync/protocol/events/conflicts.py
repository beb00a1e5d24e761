"""Conflicts: opened only by the server (its rules, at ingest; signed), resolved at a desk
by a station lead with a note, or at HQ in the console (made by the server, signed). The
first resolution the server receives stands; one arriving later is kept in the log and
shown beside it, and a desk that resolved it too takes HQ's when it pulls it."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from sync.protocol.contract import (
    Author,
    Id,
    Moment,
    Payload,
    Text8,
    Text20,
    Text40,
    Text60,
    Text100,
    declare,
)


class ConflictKind:
    DUPLICATE_MEMBER = "member.duplicate"
    HANDOUT_LIMIT = "handout.limit"


class ConflictRecord(Payload, frozen=True, kw_only=True):
    """One side of a conflict, as the desks show it."""

    event_id: Id
    entity_id: Id
    kind: Text40
    station_id: Id
    device_id: Id
    device_time: Moment
    received_at: Moment
    station_name: Text100 = ""
    device_code: Text8 = ""
    operator_id: Id | None = None
    operator_name: Text60 = ""
    summary: dict[str, Any] = msgspec.field(default_factory=dict)


class ConflictOpened(Payload, frozen=True, kw_only=True):
    conflict_id: Id
    conflict_kind: Text40
    records: Annotated[tuple[ConflictRecord, ...], Meta(max_length=10)]
    detail: dict[str, Any] = msgspec.field(default_factory=dict)


class ConflictResolved(Payload, frozen=True, kw_only=True):
    conflict_id: Id
    note: Annotated[str, Meta(min_length=1, max_length=500)]
    action: Text20 = "note"  # note | merge
    merge_into: Id | None = None  # the member kept, when action is merge
    merge_from: Id | None = None


CONFLICT_OPENED = declare(
    "conflict.opened", ConflictOpened, author=Author.SERVER, dataset="conflicts"
)
CONFLICT_RESOLVED = declare(
    "conflict.resolved", ConflictResolved, author=Author.EITHER, dataset="conflicts"
)
