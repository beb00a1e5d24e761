"""Records made at other desks, pulled from the central server, applied to this desk.

Every write at a desk appends an outbox event (kind, entity id, self-contained payload). Sync
pushes them all; the server hands events of the shared kinds (``sync.protocol.DATASETS``:
members, cards, certificates, campaigns, handouts, courses, attendance, ...) to every other
desk in server order. An *applier* turns one such event into local rows.

Each area lists its appliers in a table next to its own services::

    APPLIERS: dict[str, Applier] = {"course.created": _apply_course, ...}

and ``desktop.services.appliers`` gathers the areas' tables explicitly (nothing is found by
importing every module).

Rules for an applier (the sync client calls it inside the page's transaction):
- idempotent: the same event applied twice leaves the same rows (insert-or-ignore by id);
- never overwrite a local change that is not pushed yet (``uow.outbox`` knows what is
  pending for an entity): keep the local one, it reaches the server and comes back;
- no outbox rows: a pulled event is already on the server;
- unknown fields in the payload are ignored (a newer desk may send more).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PulledEvent:
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


# Reading a payload field defensively: a pulled payload comes from another desk.
def text_of(payload: dict[str, Any], key: str, limit: int, default: str = "") -> str:
    value = payload.get(key)
    return value[:limit] if isinstance(value, str) else default


def optional_text_of(payload: dict[str, Any], key: str, limit: int) -> str | None:
    value = payload.get(key)
    return value[:limit] if isinstance(value, str) and value else None


Applier = Callable[[UnitOfWork, PulledEvent], None]
BatchApplier = Callable[[UnitOfWork, list[PulledEvent]], None]


@dataclass(frozen=True)
class Appliers:
    """Which function applies each pulled kind: every area's table, gathered once by
    ``desktop.services.appliers``."""

    single: Mapping[str, Applier]
    batch: Mapping[str, BatchApplier]

    @staticmethod
    def gather(
        singles: Iterable[Mapping[str, Applier]], batches: Iterable[Mapping[str, BatchApplier]]
    ) -> Appliers:
        single: dict[str, Applier] = {}
        batch: dict[str, BatchApplier] = {}
        for table in singles:
            for kind, function in table.items():
                if kind in single:
                    raise ValueError(f"two appliers for {kind}")
                single[kind] = function
        for btable in batches:
            for kind, bfunction in btable.items():
                if kind in batch or kind in single:
                    raise ValueError(f"two appliers for {kind}")
                batch[kind] = bfunction
        return Appliers(single, batch)

    def kinds(self) -> set[str]:
        return set(self.single) | set(self.batch)


def apply_page(uow: UnitOfWork, events: list[PulledEvent], appliers: Appliers) -> int:
    """Apply a page in order; returns how many events had an applier here."""
    applied = 0
    run: list[PulledEvent] = []
    run_with: BatchApplier | None = None

    def flush() -> None:
        nonlocal run, run_with, applied
        if run_with is not None and run:
            run_with(uow, run)
            applied += len(run)
        run, run_with = [], None

    for event in events:
        batch = appliers.batch.get(event.kind)
        if batch is not None:
            if batch is not run_with:
                flush()
                run_with = batch
            run.append(event)
            continue
        flush()
        single = appliers.single.get(event.kind)
        if single is not None:
            single(uow, event)
            applied += 1
    flush()
    return applied


def apply(uow: UnitOfWork, event: PulledEvent, appliers: Appliers) -> bool:
    """Apply one pulled event; False when this desk has no applier for its kind."""
    return apply_page(uow, [event], appliers) == 1
