"""The desk's side of sync, without the network: enrolment, what to push, what was answered,
applying pulled pages, the status a person sees, and conflicts.

``sync.client`` does the HTTP and calls these; each call is one short local transaction, so
the desk keeps recording check-ins while a sync runs.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from desktop.config import DeskSettings
from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from desktop.domain.model import DeskContext, Role
from desktop.identity import secrets
from desktop.identity.server_key import pin_server_key, server_key
from desktop.services.desk.operators import require_role
from desktop.services.members import commands as members_commands
from desktop.services.sync import replication
from desktop.services.sync.replication import PulledEvent
from desktop.storage import turns
from desktop.storage.desk.tables import StationRow
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.sync.outbox import payload_json
from desktop.storage.sync.repositories import (
    QUARANTINED,
    Conflicts,
    Cursors,
    PulledQuarantine,
    PushResults,
    SyncState,
)
from desktop.storage.sync.tables import ConflictRow
from desktop.storage.uow import IdHashKeys, UnitOfWork
from sync.protocol import Author, contract
from sync.protocol.events.conflicts import (
    CONFLICT_OPENED,
    CONFLICT_RESOLVED,
    ConflictKind,
    ConflictOpened,
    ConflictResolved,
)

DEMO_FLAG = "demo_data"
# Events of a pulled page checked, then applied, between two looks at whether a desk write
# (a check-in) waits for the page's transaction to give way (``apply_page``): few while the
# desk is in use (a scan waits for one slice), more at a quiet desk (fewer, larger batches
# for the appliers: the first pull's own speed).
PAGE_SLICE = 25
PAGE_SLICE_QUIET = 1000
# While the desk is in use, a page's transaction also ends after this long: the commit a
# scan waits for writes every page the transaction changed (at a busy desk, 36 slices of
# 25 members made commits of about 60 ms: bench.scan_during_pull); a short transaction
# leaves a short commit. At a quiet desk a page is one transaction.
BUSY_TRANSACTION_S = 0.02
# The datasets that carry kinds only the server may make (their events are signed).
SERVER_DATASETS = tuple(
    sorted({k.dataset for k in contract.kinds() if k.author is Author.SERVER and k.dataset})
)  # desktop.demo marks a desk filled with generated people
NOTE_MAX = 500

# Push answers as the server gives them (sync.protocol.EventStatus).
STORED = ("accepted", "duplicate")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnrolmentDetails:
    """What the desk tells the server about itself when it enrols."""

    device_id: str
    device_code: str
    public_key: str  # base64
    local_station_id: str


@dataclass(frozen=True)
class SyncError:
    code: str  # a message code of the i18n catalog
    params: dict[str, Any] = field(default_factory=dict)
    at: str = ""


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    station_name: str | None
    waiting: int
    quarantined: int
    open_conflicts: int
    last_success_at: str | None
    last_attempt_at: str | None
    error: SyncError | None
    stopped: bool  # revoked or needs an upgrade: no retry until a person acts
    pulled: dict[str, int]
    set_aside: int = 0  # pulled events not applied (unknown kind, bad payload or signature)


@dataclass(frozen=True)
class PushOutcome:
    seq: int
    status: str
    reason: str | None = None
    server_seq: int | None = None


@dataclass(frozen=True)
class PageApplied:
    applied: int  # events an applier of this desk took
    set_aside: int  # events that failed their check, kept with the reason


@dataclass(frozen=True)
class QuarantinedEvent:
    """An event of this desk the server refused, or (``pulled``) one pulled from the server
    that this desk set aside; ``seq`` is then the server's sequence."""

    seq: int
    kind: str
    entity_id: str
    device_time: str
    reason: str
    pulled: bool = False


@dataclass(frozen=True)
class ConflictSide:
    event_id: str
    entity_id: str
    kind: str
    station_name: str
    device_code: str
    operator_name: str
    device_time: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class Conflict:
    id: str
    kind: str
    status: str
    opened_at: str
    sides: tuple[ConflictSide, ...]
    detail: dict[str, Any]
    note: str | None
    resolved_at: str | None
    # Whom it is about, in words: for a handout beyond a limit, the person who received
    # twice ("张三 7KQ3M2-0042"), not only the campaign both sides name.
    person: str = ""
    by_hq: bool = False  # resolved at the union's HQ (the console), not at a desk
    overruled_note: str | None = None  # this desk's own resolution, which HQ's came before


# --- enrolment ------------------------------------------------------------------------------


def enrolment_details(
    uow: UnitOfWork, public_key: bytes, ctx: DeskContext, again: bool = False
) -> EnrolmentDetails:
    """Refuses an operator who is not an admin (enrolling binds the desk to an organisation
    and adopts its ID-number key), a desk holding demo data (generated people must not reach
    a real server) and a desk that is enrolled already, unless it enrols ``again`` (to learn
    a new server key: docs/tokens.md)."""
    require_role(ctx, Role.ADMIN)
    with uow.reading():
        if uow.settings.get(DEMO_FLAG):
            raise RuleViolation("sync.demo_desk")
        enrolled = uow.repo(SyncState).get("server_url")
        if enrolled and not again and not uow.repo(SyncState).get("stopped"):
            raise RuleViolation(
                "sync.already_enrolled", server=uow.repo(SyncState).get("server_url")
            )
        device = uow.device.row()
        if device is None:
            raise RuleViolation("setup.required")
        return EnrolmentDetails(
            device_id=device.id,
            device_code=device.code,
            public_key=base64.b64encode(public_key).decode("ascii"),
            local_station_id=device.station_id,
        )


def apply_enrolment(
    uow: UnitOfWork,
    keys_folder: Path,
    hash_keys: IdHashKeys | None,
    server_url: str,
    reply: dict[str, Any],
    ctx: DeskContext,
) -> str:
    """Adopt what the server answered: its public key (pinned), token, station, the
    organisation's ID-number key. A reply without a usable server key is refused before
    anything is kept (RuleViolation ``sync.no_server_key``).

    From now on this desk's records carry the server's station id; events already queued
    keep the id made at setup, which the server knows as this device's own.
    """
    pinned = server_key(keys_folder)
    pin_server_key(keys_folder, str(reply.get("server_public_key") or ""))
    key_changed = pinned is not None and pinned != server_key(keys_folder)
    secrets.save_device_token(keys_folder, str(reply["device_token"]))
    key = base64.b64decode(str(reply["id_hash_key"]))
    secrets.adopt_id_hash_key(keys_folder, key)
    if hash_keys is not None:
        hash_keys.current = key
        hash_keys.older = secrets.local_id_hash_keys(keys_folder)
    with uow:
        at = to_iso(uow.now())
        station_id = str(reply["station_id"])
        if uow.session.get(StationRow, station_id) is None:
            local = uow.device.get()
            assert local is not None
            uow.session.add(
                StationRow(
                    id=station_id,
                    name=str(reply["station_name"])[:100],
                    kind=str(reply["station_kind"])[:16],
                    union_name=local.station.union_name,
                    created_at=at,
                )
            )
            uow.session.flush()
        device = uow.device.row()
        assert device is not None
        device.station_id = station_id
        uow.repo(SyncState).set("server_url", server_url)
        uow.repo(SyncState).set("station_name", str(reply["station_name"]))
        uow.repo(SyncState).set("epoch", str(reply["epoch"]))
        uow.repo(SyncState).set("enrolled_at", at)
        uow.repo(SyncState).set("stopped", None)
        uow.repo(SyncState).set("error", None)
        _adopt_verify_url(uow, str(reply.get("verify_url") or ""), ctx, at)
        if key_changed or uow.repo(PulledQuarantine).count():
            # What the old key (or no key) could not vouch for is pulled again and checked
            # with the key pinned now.
            uow.repo(Cursors).forget(SERVER_DATASETS)
            uow.repo(PulledQuarantine).forget_unsigned()
        uow.audit.record("sync.enrolled", None, at, server=server_url, station=station_id)
        uow.audit.record(
            "desk_enrolled", ctx.operator_id, at, server=server_url, station=station_id
        )
        uow.commit()
    return station_id


def _adopt_verify_url(uow: UnitOfWork, url: str, ctx: DeskContext, at: str) -> None:
    """The server's public verification address: certificates' QR codes lead there from now
    on. An address the server sends that the desk cannot use (an older server sends none) is
    left aside, and the desk keeps what it had."""
    option = DeskSettings.certificate_base_url
    try:
        cleaned = option.clean(url) if url else ""
    except InvalidInput:
        log.warning("the server's verification address %r is not usable", url[:120])
        return
    before = option.read(uow)
    if cleaned and cleaned != before:
        option.write(uow, cleaned)
        uow.audit.record(
            "settings_changed", ctx.operator_id, at, **{option.key: cleaned}, by="enrolment"
        )


def server(uow: UnitOfWork, keys_folder: Path) -> tuple[str, str, str | None] | None:
    """(server URL, device token, epoch) of an enrolled desk, else None."""
    with uow.reading():
        url = uow.repo(SyncState).get("server_url")
        epoch = uow.repo(SyncState).get("epoch")
    token = secrets.device_token(keys_folder)
    if not url or not token:
        return None
    return str(url), token, epoch


# --- push -----------------------------------------------------------------------------------


def outbox_batch(
    uow: UnitOfWork, limit: int, after_seq: int = 0, raw_payloads: bool = False
) -> list[dict[str, Any]]:
    """The next events to push (after ``after_seq``), oldest first, as wire envelopes.

    ``raw_payloads``: each payload is the stored JSON text itself (an ``orjson.Fragment``,
    written into the request as it is) instead of parsed data: a push of 100,000 events
    parses none of them again."""
    with uow.reading():
        rows = uow.outbox.pending_rows(limit, after_seq)
    read = orjson.Fragment if raw_payloads else json.loads
    return [
        {
            "event_id": event_id,
            "seq": seq,
            "kind": kind,
            "entity_id": entity_id,
            "station_id": station_id,
            "device_id": device_id,
            "operator_id": operator_id,
            "device_time": device_time,
            "payload": read(payload),
        }
        for (
            seq,
            event_id,
            kind,
            entity_id,
            payload,
            station_id,
            device_id,
            operator_id,
            device_time,
        ) in rows
    ]


def record_push(uow: UnitOfWork, outcomes: list[PushOutcome]) -> int:
    """Write the server's answer onto the outbox; returns how many were quarantined."""
    quarantined = 0
    with uow:
        at = to_iso(uow.now())
        answers: list[tuple[str, str, str | None, int | None, int]] = []
        for outcome in outcomes:
            if outcome.status in STORED:
                answers.append((at, outcome.status, None, outcome.server_seq, outcome.seq))
            else:
                quarantined += 1
                reason = f"{outcome.status}:{outcome.reason or ''}"[:120]
                answers.append((at, QUARANTINED, reason, None, outcome.seq))
        uow.repo(PushResults).record(answers)
        uow.commit()
    return quarantined


def quarantined(uow: UnitOfWork, limit: int = 500) -> list[QuarantinedEvent]:
    """Refused by the server, then set aside from pulls: each with its reason."""
    with uow.reading():
        refused = [
            QuarantinedEvent(row.seq, row.kind, row.entity_id, row.device_time, row.reason or "")
            for row in uow.repo(PushResults).quarantined(limit)
        ]
        set_aside = [
            QuarantinedEvent(
                row.server_seq, row.kind, row.entity_id, row.received_at, row.reason, pulled=True
            )
            for row in uow.repo(PulledQuarantine).list(limit)
        ]
    return refused + set_aside


def pinned_server_key(keys_folder: Path) -> Ed25519PublicKey | None:
    """The server key pinned at enrolment (None: not enrolled, or enrolled before keys were
    pinned: server-authored events are then set aside until the desk enrols again)."""
    return server_key(keys_folder)


# --- pull -----------------------------------------------------------------------------------


def cursor(uow: UnitOfWork, dataset: str) -> str:
    with uow.reading():
        return uow.repo(Cursors).get(dataset)


def apply_page(
    uow: UnitOfWork,
    dataset: str,
    events: list[PulledEvent],
    next_cursor: str,
    server_key: Ed25519PublicKey | None = None,
    screened: bool = False,
    durable: bool = True,
) -> PageApplied:
    """Check and apply one pulled page and move the cursor (events that fail their check are
    set aside with the reason, with the cursor).

    ``durable=False`` (pages with more to come: a first pull brings hundreds of them): the
    commit skips the fsync (``UnitOfWork.relaxed``). A power cut may then lose the last
    pages with their cursor, never leave one without the other: they are pulled again. The
    last page of a pull is durable and makes the ones before it durable with it.

    The desk goes first (``desktop.storage.turns``): events are checked, then applied,
    ``PAGE_SLICE`` at a time (``PAGE_SLICE_QUIET`` when nobody used the desk lately); when
    a desk write (a check-in) is waiting, the rows applied so far are committed without the
    cursor and the rest follows once the desk has written. While the desk is in use a
    transaction also ends after ``BUSY_TRANSACTION_S`` (a short commit for the next scan).
    A page cut off there is pulled again and applied whole: appliers are idempotent."""
    good: list[tuple[PulledEvent, Any]] = []
    refused: list[tuple[PulledEvent, str]] = []
    for start in range(0, len(events), PAGE_SLICE):  # no transaction open: pure work
        turns.pause_for_desk()
        checked, failed = replication.sort_out(
            events[start : start + PAGE_SLICE], server_key, screened
        )
        good += checked
        refused += failed
    # Every area's appliers load with the first pulled page, not with the window.
    from desktop.services.appliers import APPLIERS

    applied = done = 0
    later: list[tuple[PulledEvent, str]] = []  # refused by an applier (NotApplied)
    while True:
        with (uow if durable else uow.relaxed()).giving_way():
            # At least one slice a transaction: a busy desk slows a pull, never stops it.
            start, began = done, time.monotonic()
            while done < len(good) and (
                done == start or not (turns.desk_waiting() or _long(began, turns.desk_in_use()))
            ):
                size = PAGE_SLICE if turns.desk_in_use() else PAGE_SLICE_QUIET
                applied += replication.apply_checked(uow, good[done : done + size], APPLIERS, later)
                done += size
            finished = done >= len(good)
            if finished:
                replication.set_aside(uow, refused)
                uow.repo(Cursors).advance(dataset, next_cursor, len(events), to_iso(uow.now()))
            uow.commit()  # the page and its cursor; or, a desk write waiting, the rows so far
        if finished:
            return PageApplied(applied, len(refused) + len(later))


def _long(began: float, busy: bool) -> bool:
    """Whether a page's transaction begun then has lasted long enough at a desk in use."""
    return busy and time.monotonic() - began >= BUSY_TRANSACTION_S


def reset(uow: UnitOfWork, epoch: str | None) -> None:
    """The server's database is not the one this desk synced with: pull everything again and
    push every event again (the server keeps what it has once)."""
    with uow:
        uow.repo(Cursors).clear()
        uow.repo(PushResults).push_everything_again()
        uow.repo(SyncState).set("epoch", epoch)
        uow.audit.record("sync.reset", None, to_iso(uow.now()))
        uow.commit()


# --- status ---------------------------------------------------------------------------------


def note_attempt(uow: UnitOfWork, error: SyncError | None, stopped: bool = False) -> None:
    with uow:
        at = to_iso(uow.now())
        uow.repo(SyncState).set("last_attempt_at", at)
        if error is None:
            uow.repo(SyncState).set("last_success_at", at)
            uow.repo(SyncState).set("error", None)
        else:
            uow.repo(SyncState).set("error", {"code": error.code, "params": error.params, "at": at})
        uow.repo(SyncState).set("stopped", True if stopped else None)
        uow.commit()


def status(uow: UnitOfWork) -> SyncStatus:
    with uow.reading():
        state = uow.repo(SyncState).all()
        error = state.get("error")
        return SyncStatus(
            enrolled=bool(state.get("server_url")),
            server_url=state.get("server_url"),
            station_name=state.get("station_name"),
            waiting=uow.outbox.pending_count(),
            quarantined=uow.repo(PushResults).quarantined_count(),
            set_aside=uow.repo(PulledQuarantine).count(),
            open_conflicts=uow.repo(Conflicts).open_count(_own_station(uow)),
            last_success_at=state.get("last_success_at"),
            last_attempt_at=state.get("last_attempt_at"),
            error=SyncError(error["code"], error.get("params", {}), error.get("at", ""))
            if error
            else None,
            stopped=bool(state.get("stopped")),
            pulled=uow.repo(Cursors).applied(),
        )


# --- conflicts ------------------------------------------------------------------------------


def opened_of(row: ConflictRow) -> ConflictOpened:
    """The conflict as the server opened it (its ``conflict.opened`` payload, kept whole)."""
    return CONFLICT_OPENED.decode(json.loads(row.detail))


def _person(uow: UnitOfWork, sides: tuple[ConflictSide, ...]) -> str:
    numbers = {str(s.summary.get("member_number") or "") for s in sides} - {""}
    if len(numbers) != 1:
        return ""
    number = numbers.pop()
    member = uow.repo(MemberRepository).by_number(number)
    return f"{member.name} {number}" if member is not None else number


def _conflict(row: ConflictRow, uow: UnitOfWork) -> Conflict:
    opened = opened_of(row)
    sides = tuple(
        ConflictSide(
            event_id=record.event_id,
            entity_id=record.entity_id,
            kind=record.kind,
            station_name=record.station_name,
            device_code=record.device_code,
            operator_name=record.operator_name,
            device_time=record.device_time,
            summary=dict(record.summary),
        )
        for record in opened.records
    )
    return Conflict(
        id=row.id,
        kind=row.kind,
        status=row.status,
        opened_at=row.opened_at,
        sides=sides,
        detail=dict(opened.detail),
        note=row.note,
        resolved_at=row.resolved_at,
        person=_person(uow, sides) if row.kind == ConflictKind.HANDOUT_LIMIT else "",
        **_resolution_facts(row.resolution),
    )


def _resolution_facts(resolution: str | None) -> dict[str, Any]:
    """Who resolved it (HQ or a desk) and, when HQ's stood over this desk's own, that one."""
    if not resolution:
        return {}
    try:
        data = json.loads(resolution)
    except ValueError:
        return {}
    if not isinstance(data, dict) or not data.get("by_hq"):
        return {}
    overruled = data.get("overruled")
    note = overruled.get("note") if isinstance(overruled, dict) else None
    return {"by_hq": True, "overruled_note": note if isinstance(note, str) else None}


def _own_station(uow: UnitOfWork) -> str | None:
    device = uow.device.row()
    return device.station_id if device is not None else None


def conflicts(
    uow: UnitOfWork, include_resolved: bool = False, here_only: bool = False
) -> list[Conflict]:
    """Conflicts pulled from the server; ``here_only``: those naming a record of this
    desk's station (what its lead is to resolve)."""
    with uow.reading():
        station = _own_station(uow) if here_only else None
        rows = uow.repo(Conflicts).list(include_resolved, station)
        return [_conflict(row, uow) for row in rows]


def find_conflict(uow: UnitOfWork, ref: str) -> Conflict:
    """By id, or by the first characters of its id (as the CLI lists them)."""
    ref = ref.strip().lower()
    with uow.reading():
        found = [
            _conflict(r, uow)
            for r in uow.repo(Conflicts).list(True)
            if r.id.lower().startswith(ref)
        ]
    if len(found) != 1 or not ref:
        raise NotFound("conflict.not_found", ref=ref)
    return found[0]


def resolve_conflict(
    uow: UnitOfWork,
    ctx: DeskContext,
    conflict_id: str,
    note: str,
    merge_into: str | None = None,
) -> Conflict:
    """A station lead closes a conflict with a note; for a possible duplicate member, may
    merge one record into the other (every visit is kept under its own record)."""
    if not ctx.operator_role.at_least(Role.LEAD):
        raise PermissionDenied("conflict.lead_only")
    note = " ".join(note.split())
    if not note:
        raise InvalidInput("conflict.note_required", field="note")
    if len(note) > NOTE_MAX:
        raise InvalidInput("conflict.note_too_long", field="note", max=NOTE_MAX)
    with uow:
        row = uow.repo(Conflicts).get(conflict_id)
        if row is None:
            raise NotFound("conflict.not_found", ref=conflict_id)
        if row.status == "resolved":
            raise RuleViolation("conflict.already_resolved")
        payload = ConflictResolved(conflict_id=row.id, note=note, action="note")
        if merge_into is not None:
            members = opened_of(row).detail.get("members", [])
            if merge_into not in members or len(members) != 2:
                raise InvalidInput("conflict.merge_not_a_side", field="merge_into")
            merge_from = next(m for m in members if m != merge_into)
            payload = ConflictResolved(
                conflict_id=row.id,
                note=note,
                action="merge",
                merge_into=merge_into,
                merge_from=merge_from,
            )
            members_commands.merge_members(uow, merge_from, merge_into)
        at = to_iso(uow.now())
        row.status = "resolved"
        row.note = note
        row.resolved_at = at
        row.resolution = payload_json(CONFLICT_RESOLVED, payload)
        uow.outbox.append(CONFLICT_RESOLVED, row.id, payload, ctx, at)
        uow.commit()
        return _conflict(row, uow)
