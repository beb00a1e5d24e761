"""Records made at other desks, pulled from the central server, applied to this desk.

Every write at a desk appends an outbox event (kind, entity id, self-contained payload). Sync
pushes them all; the server hands events of the shared kinds (``sync.protocol.DATASETS``:
members, cards, certificates, campaigns, handouts, courses, attendance, ...) to every other
desk in server order. An *applier* turns one such event into local rows.

Each area lists its appliers in a table next to its own services, keyed by the kinds'
declarations (``sync.protocol.events``); an applier gets the event and its payload already
decoded to the kind's type::

    APPLIERS: dict[EventKind[Any], Applier] = {COURSE_CREATED: _apply_course, ...}

and ``desktop.services.appliers`` gathers the areas' tables explicitly (nothing is found by
importing every module).

Rules for an applier (the sync client calls it inside the page's transaction):
- idempotent: the same event applied twice leaves the same rows (insert-or-ignore by id);
- never overwrite a local change that is not pushed yet (``uow.outbox`` knows what is
  pending for an entity): keep the local one, it reaches the server and comes back;
- no outbox rows: a pulled event is already on the server;
- it reads the typed payload, never ``event.payload`` (a newer desk may send more fields:
  the declaration's type keeps only those this desk knows).

Before any applier runs, each event is checked (``checked``): its kind is declared here,
its payload matches the declaration, and a kind only the server may make carries a
signature that verifies with the server key pinned at enrolment. An event that fails is
set aside with its reason (``PulledQuarantine``, shown on the sync screen) and the page
goes on. An applier that finds, against what this desk holds, that the event may not be
applied (a certificate revoked by a desk of another station than the one that issued it)
raises ``NotApplied(reason)``: that event is set aside the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from desktop.domain.clock import to_iso
from desktop.storage.sync.repositories import PulledQuarantine
from desktop.storage.sync.tables import PulledQuarantineRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import SERVER_DEVICE_ID, Author, EventKind, PayloadError, kind_of, signing
from sync.protocol.contract import Payload


@dataclass(frozen=True)
class PulledEvent:
    """One event as pulled: its payload still plain data (see ``checked``)."""

    server_seq: int
    event_id: str
    kind: str
    entity_id: str
    station_id: str
    device_id: str
    operator_id: str | None
    device_time: str  # ISO 8601 UTC, information only
    received_at: str  # the server's receipt time, ISO 8601 UTC
    payload: dict[str, Any]
    signature: str | None = None  # server-authored kinds: the server key's signature


class NotApplied(PayloadError):
    """Raised by an applier: this event may not be applied here (``reason``, short); it is
    set aside like an event that failed its check."""


Applier = Callable[[UnitOfWork, PulledEvent, Any], None]  # (uow, event, typed payload)
BatchApplier = Callable[[UnitOfWork, list[tuple[PulledEvent, Any]]], None]


@dataclass(frozen=True)
class Appliers:
    """Which function applies each pulled kind: every area's table, gathered once by
    ``desktop.services.appliers``."""

    single: Mapping[str, Applier]
    batch: Mapping[str, BatchApplier]

    @staticmethod
    def gather(
        singles: Iterable[Mapping[EventKind[Any], Applier]],
        batches: Iterable[Mapping[EventKind[Any], BatchApplier]],
    ) -> Appliers:
        single: dict[str, Applier] = {}
        batch: dict[str, BatchApplier] = {}
        for table in singles:
            for kind, function in table.items():
                if kind.name in single:
                    raise ValueError(f"two appliers for {kind.name}")
                single[kind.name] = function
        for btable in batches:
            for kind, bfunction in btable.items():
                if kind.name in batch or kind.name in single:
                    raise ValueError(f"two appliers for {kind.name}")
                batch[kind.name] = bfunction
        return Appliers(single, batch)

    def kinds(self) -> set[str]:
        return set(self.single) | set(self.batch)


def checked(
    event: PulledEvent, server_key: Ed25519PublicKey | None, screened: bool = False
) -> Payload:
    """The event's typed payload, or PayloadError with the reason it is not applied here:
    ``unknown_kind``, ``payload:…``, ``signature`` (a server-authored kind whose signature
    does not verify with the pinned key, or ``signature:no_server_key`` when none is pinned).
    ``screened``: the page's text held no NUL (see ``EventKind.decode``)."""
    declared = kind_of(event.kind)
    if declared is None:
        raise PayloadError("unknown_kind")
    payload: Payload = declared.decode(event.payload, screened=screened)
    if declared.author is Author.SERVER or (
        declared.author is Author.EITHER and event.device_id == SERVER_DEVICE_ID
    ):
        if server_key is None:
            raise PayloadError("signature:no_server_key")
        if not signing.verify(
            server_key,
            event.signature,
            event.kind,
            event.event_id,
            event.entity_id,
            event.station_id,
            event.payload,
        ):
            raise PayloadError("signature")
    return payload


def sort_out(
    events: list[PulledEvent], server_key: Ed25519PublicKey | None, screened: bool = False
) -> tuple[list[tuple[PulledEvent, Payload]], list[tuple[PulledEvent, str]]]:
    """A page's events that pass ``checked`` (with their typed payloads), and the others
    with their reasons; both in page order."""
    good: list[tuple[PulledEvent, Payload]] = []
    refused: list[tuple[PulledEvent, str]] = []
    for event in events:
        try:
            good.append((event, checked(event, server_key, screened)))
        except PayloadError as error:
            refused.append((event, error.reason))
    return good, refused


def set_aside(uow: UnitOfWork, refused: list[tuple[PulledEvent, str]]) -> None:
    """Keep the refused events with their reasons (the sync screen lists them)."""
    for event, reason in refused:
        _set_aside(uow, event, reason)


def apply_checked(
    uow: UnitOfWork,
    events: list[tuple[PulledEvent, Payload]],
    appliers: Appliers,
    not_applied: list[tuple[PulledEvent, str]] | None = None,
) -> int:
    """Apply checked events in order; returns how many had an applier here. Those an
    applier refused (``NotApplied``) are set aside and added to ``not_applied``."""
    applied = 0
    run: list[tuple[PulledEvent, Any]] = []
    run_with: BatchApplier | None = None

    def flush() -> None:
        nonlocal run, run_with, applied
        if run_with is not None and run:
            run_with(uow, run)
            applied += len(run)
        run, run_with = [], None

    for event, payload in events:
        batch = appliers.batch.get(event.kind)
        if batch is not None:
            if batch is not run_with:
                flush()
                run_with = batch
            run.append((event, payload))
            continue
        flush()
        single = appliers.single.get(event.kind)
        if single is not None:
            try:
                single(uow, event, payload)
            except NotApplied as refused:
                _set_aside(uow, event, refused.reason)
                if not_applied is not None:
                    not_applied.append((event, refused.reason))
                continue
            applied += 1
    flush()
    return applied


def apply_page(
    uow: UnitOfWork,
    events: list[PulledEvent],
    appliers: Appliers,
    server_key: Ed25519PublicKey | None = None,
    screened: bool = False,
) -> int:
    """Check and apply a page in order (inside the caller's transaction); events that fail
    their check are set aside. Returns how many events an applier of this desk took."""
    good, refused = sort_out(events, server_key, screened)
    set_aside(uow, refused)
    return apply_checked(uow, good, appliers)


def _set_aside(uow: UnitOfWork, event: PulledEvent, reason: str) -> None:
    declared = kind_of(event.kind)
    uow.repo(PulledQuarantine).add(
        PulledQuarantineRow(
            event_id=event.event_id[:36],
            server_seq=event.server_seq,
            dataset=(declared.dataset if declared is not None else None) or "",
            kind=event.kind[:40],
            entity_id=event.entity_id[:36],
            device_id=event.device_id[:36],
            received_at=event.received_at,
            reason=reason[:120],
            payload=json.dumps(event.payload, ensure_ascii=True)[:70_000],
            quarantined_at=to_iso(uow.now()),
        )
    )


def apply(
    uow: UnitOfWork,
    event: PulledEvent,
    appliers: Appliers,
    server_key: Ed25519PublicKey | None = None,
) -> bool:
    """Apply one pulled event; False when this desk has no applier for its kind or set the
    event aside."""
    return apply_page(uow, [event], appliers, server_key) == 1
