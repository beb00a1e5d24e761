"""Push: a batch of a device's events, each answered accepted, duplicate, conflict or rejected.

One transaction per batch: the events, the device's last sequence and the conflicts the rules
find are committed together, or not at all (then the desk sends the batch again and gets
``duplicate`` for whatever had been stored).

Each event is checked on its own before anything is stored, and refused alone (``rejected``
with the reason) when it fails: the envelope (``contract.Envelope``: ids, sequence 1..2**53-1,
time), no NUL in its ids, the device's own id and station, a declared kind that a desk may
author (never ``device.*`` or ``conflict.opened``: only the server says those), a payload
that matches the kind's declaration (``sync.protocol.contract``), and no redefinition of a
campaign, course, session or item HQ made (``central_record``, ``sync.server.central``),
and what a rule refuses (``rules.refused``: e.g. a second certificate under a serial).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from sync.protocol import (
    EventResult,
    EventStatus,
    PayloadError,
    PushReply,
    SequenceGap,
    dataset_of,
    kind_of,
    signing,
)
from sync.protocol.contract import Envelope, Payload, envelope
from sync.server import bulk, central, log, rewind, rules
from sync.server.models import DeviceRow
from sync.server.signing import ServerKey

MAX_PAYLOAD_BYTES = 64 * 1024
DEVICE: Table = DeviceRow.__table__  # type: ignore[assignment]


def _result(
    event_id: str,
    seq: int | None,
    status: str,
    reason: str | None = None,
    server_seq: int | None = None,
) -> EventResult:
    """One event's answer, built without validation: every value here is the server's own
    or checked already (a batch holds 500 of them)."""
    return EventResult.model_construct(
        event_id=event_id, seq=seq, status=status, reason=reason, server_seq=server_seq
    )


def _invalid(raw: dict[str, Any], reason: str) -> EventResult:
    event_id = raw.get("event_id")
    seq = raw.get("seq")
    return _result(
        event_id[:36] if isinstance(event_id, str) else "",
        seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
        EventStatus.REJECTED,
        reason,
    )


def _check(device: DeviceRow, event: Envelope) -> str | None:
    """Why the envelope is refused, or None: whose it is, what kind, who may say it."""
    if "\x00" in event.event_id or "\x00" in event.entity_id or "\x00" in (event.operator_id or ""):
        return "invalid:nul_in_text"
    if event.device_id != device.id:
        return "wrong_device"
    if event.station_id not in (device.station_id, device.local_station_id):
        return "wrong_station"
    declared = kind_of(event.kind)
    if declared is None:
        return "unknown_kind"
    if not declared.author.desks_may_make:
        return "server_authored"  # device keys, revocations, conflicts: only the server's
    return None


def _texts(event: Envelope, raw: dict[str, Any]) -> tuple[bytes, str]:
    """(canonical payload JSON, hash of the event as sent); PayloadError."""
    try:
        payload = signing.canonical(event.payload)
        hashed = log.digest(raw)  # the event as sent: a desk sends the same text each time
    except (TypeError, ValueError) as error:  # e.g. an integer beyond 64 bits
        raise PayloadError("payload:not_json") from error
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PayloadError("payload_too_large")
    return payload, hashed


def _rejected(event: Envelope, reason: str) -> EventResult:
    return _result(event.event_id, event.seq, EventStatus.REJECTED, reason)


def push(
    session: Session, device: DeviceRow, raw_events: list[dict[str, Any]], key: ServerKey
) -> PushReply:
    """``device``: the pushing device's row, locked by the caller for this transaction
    (``admin.device_by_token(..., lock=True)``): two processes pushing for one device take
    turns."""
    results: list[EventResult | None] = [None] * len(raw_events)
    valid: list[tuple[int, Envelope, str, bytes]] = []
    for i, raw in enumerate(raw_events):
        try:
            event = envelope(raw)
        except PayloadError as error:
            results[i] = _invalid(raw, error.reason)
            continue
        problem = _check(device, event)
        if problem is None:
            try:
                payload, hashed = _texts(event, raw)
            except PayloadError as error:
                problem = error.reason
        if problem is not None:
            results[i] = _rejected(event, problem)
            continue
        valid.append((i, event, hashed, payload))

    ids = [event.event_id for _, event, _, _ in valid]
    # A campaign, course, session or item HQ made is HQ's to define: a desk's edit of one
    # is refused (it would diverge from the other stations; the desks refuse to make one).
    guarded = [e.entity_id for _, e, _, _ in valid if e.kind in central.GUARDED_KINDS]
    held = central.held(session, guarded) if guarded else set()
    stored = {event_id: (hashed, seq) for event_id, seq, hashed in log.known(session, ids)}
    fresh: list[tuple[int, Envelope, dict[str, Any], Payload]] = []
    seen: dict[str, str] = {}
    received = log.now()
    for i, event, hashed, payload in valid:
        # An id already used answers duplicate or conflict, whatever its payload says now.
        known = stored.get(event.event_id)
        earlier = seen.get(event.event_id)
        if known is not None or earlier is not None:
            same = (known[0] if known is not None else earlier) == hashed
            results[i] = _result(
                event.event_id,
                event.seq,
                EventStatus.DUPLICATE if same else EventStatus.CONFLICT,
                None if same else "same_id_different_payload",
                known[1] if known is not None else None,
            )
            continue
        if event.entity_id in held and event.kind in central.GUARDED_KINDS:
            results[i] = _rejected(event, "central_record")
            continue
        declared = kind_of(event.kind)
        assert declared is not None  # _check refused unknown kinds
        try:
            typed = declared.decode(event.payload, payload)
        except PayloadError as error:
            results[i] = _rejected(event, error.reason)
            continue
        seen[event.event_id] = hashed
        row = {
            "event_id": event.event_id,
            "device_id": device.id,
            "station_id": device.station_id,
            "seq": event.seq,
            "kind": event.kind,
            "dataset": dataset_of(event.kind),
            "entity_id": event.entity_id,
            "operator_id": event.operator_id,
            "device_time": event.device_time,
            "received_at": received,
            "payload": payload.decode("utf-8"),
            "payload_hash": hashed,
        }
        fresh.append((i, event, row, typed))

    went_back = rewind.rewound(session, device, (event.seq for _, event, _, _ in fresh))
    if went_back is not None:  # nothing of this batch is stored: the desk renumbers first
        for i, event, _row, _typed in fresh:
            results[i] = _result(event.event_id, event.seq, EventStatus.REJECTED, rewind.REASON)
        session.flush()
        return PushReply(
            results=[r for r in results if r is not None],
            last_seq=device.last_seq,
            rewound=went_back,
        )

    # A few business rules refuse an event outright (rules/engine.py ``refusal``). They read
    # only what the pushing device's own serials and the certificate index name, so they run
    # before the log's lock (pushes of one device take turns on its row's lock).
    refusals = rules.refused(session, device, [(i, e, typed) for i, e, _, typed in fresh])
    for i, event, _row, _typed in fresh:
        if i in refusals:
            results[i] = _rejected(event, refusals[i])
    fresh = [item for item in fresh if item[0] not in refusals]

    gap = None
    counters: dict[str, Any] = {"last_push_at": received}
    if fresh:
        first = min(event.seq for _, event, _, _ in fresh)
        if first > device.last_seq + 1:
            gap = SequenceGap(expected=device.last_seq + 1, received=first)
        counters["last_seq"] = max(device.last_seq, max(event.seq for _, event, _, _ in fresh))
        counters["events"] = device.events + len(fresh)
    with bulk.deferred(session):
        # The device's counters, the rules' writes and the log's numbers: one round trip on
        # PostgreSQL (the device row is locked by this push: no one else writes it).
        bulk.write(session, [bulk.Update(DEVICE, {"id": device.id}, counters)], later=True)
        for name, value in counters.items():
            set_committed_value(device, name, value)
        sequences = _store(session, device, fresh, key)
    for (i, event, _row, _typed), server_seq in zip(fresh, sequences, strict=True):
        results[i] = _result(event.event_id, event.seq, EventStatus.ACCEPTED, None, server_seq)
    final = [result for result in results if result is not None]
    assert len(final) == len(raw_events)
    return PushReply(results=final, last_seq=device.last_seq, gap=gap)


def _store(
    session: Session,
    device: DeviceRow,
    fresh: list[tuple[int, Envelope, dict[str, Any], Payload]],
    key: ServerKey,
) -> list[int]:
    """Append the fresh events to the log and run their rules; their server sequences.

    The log's lock (``log.py``) is held from the numbers to the commit, which follows this
    at once; the question is only what runs before it."""

    rows = [row for _, _, row, _ in fresh]
    if rules.station_local(event.kind for _, event, _, _ in fresh):
        # Rules that touch only this station's rows (its figures), serialised with the
        # station's other pushes by the station's lock (taken with the device row): they run
        # before the log's lock, side by side with other stations' pushes. The log's lock is
        # taken last, for the numbers and the COPY, and held only until the commit that
        # follows at once: numbers are still committed in the order they were taken.
        rules.run(session, device, [(e, 0, row, typed) for _, e, row, typed in fresh], key)
        session.flush()  # what the rules changed through the ORM: before the lock
        return log.append_and_commit(session, rows)
    else:
        # Rules that read what other stations' pushes wrote (a person's handouts elsewhere,
        # the same phone registered at another desk, a conflict resolved by HQ) run after
        # the log's lock is taken: everything committed before is visible to them, and
        # nothing another push writes meanwhile (it waits for the lock).
        sequences = log.append(session, rows)
        accepted = [
            (event, server_seq, row, typed)
            for (_i, event, row, typed), server_seq in zip(fresh, sequences, strict=True)
        ]
        rules.run(session, device, accepted, key)
        session.flush()
        return sequences
