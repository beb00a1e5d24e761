"""Records made at other desks, pulled from the central server, applied to this desk.

Every write at a desk appends an outbox event (kind, entity id, self-contained payload). Sync
pushes them all; the server hands events of the shared kinds (``sync.protocol.DATASETS``:
members, cards, certificates, campaigns, handouts, courses, attendance, ...) to every other
desk in server order. An *applier* turns one such event into local rows.

Each area registers its appliers next to its own services::

    @applier("course.created", "course.updated")
    def _apply_course(uow: UnitOfWork, event: PulledEvent) -> None: ...

Rules for an applier (the sync client calls it inside the page's transaction):
- idempotent: the same event applied twice leaves the same rows (insert-or-ignore by id);
- never overwrite a local change that is not pushed yet (``uow.outbox`` knows what is
  pending for an entity): keep the local one, it reaches the server and comes back;
- no outbox rows: a pulled event is already on the server;
- unknown fields in the payload are ignored (a newer desk may send more).
"""

from __future__ import annotations

from collections.abc import Callable
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


Applier = Callable[[UnitOfWork, PulledEvent], None]
BatchApplier = Callable[[UnitOfWork, list[PulledEvent]], None]

_APPLIERS: dict[str, Applier] = {}
_BATCH_APPLIERS: dict[str, BatchApplier] = {}


def applier(*kinds: str) -> Callable[[Applier], Applier]:
    def register(function: Applier) -> Applier:
        for kind in kinds:
            if kind in _APPLIERS:
                raise ValueError(f"two appliers for {kind}")
            _APPLIERS[kind] = function
        return function

    return register


def batch_applier(*kinds: str) -> Callable[[BatchApplier], BatchApplier]:
    """For kinds that arrive by the hundred thousand (members on a first pull): the applier
    gets every consecutive event of its kinds in a page at once, in order."""

    def register(function: BatchApplier) -> BatchApplier:
        for kind in kinds:
            if kind in _BATCH_APPLIERS:
                raise ValueError(f"two batch appliers for {kind}")
            _BATCH_APPLIERS[kind] = function
        return function

    return register


def apply_page(uow: UnitOfWork, events: list[PulledEvent]) -> int:
    """Apply a page in order; returns how many events had an applier here."""
    _load_areas()
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
        batch = _BATCH_APPLIERS.get(event.kind)
        if batch is not None:
            if batch is not run_with:
                flush()
                run_with = batch
            run.append(event)
            continue
        flush()
        single = _APPLIERS.get(event.kind)
        if single is not None:
            single(uow, event)
            applied += 1
    flush()
    return applied


def applier_for(kind: str) -> Applier | None:
    _load_areas()
    return _APPLIERS.get(kind)


def apply(uow: UnitOfWork, event: PulledEvent) -> bool:
    """Apply one pulled event; False when this desk has no applier for its kind."""
    function = applier_for(event.kind)
    if function is not None:
        function(uow, event)
        return True
    batch = _BATCH_APPLIERS.get(event.kind)
    if batch is not None:
        batch(uow, [event])
        return True
    return False


_loaded = False


def _load_areas() -> None:
    """Import the service modules that register appliers (once)."""
    global _loaded
    if _loaded:
        return
    import importlib
    import pkgutil

    import desktop.services as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"desktop.services.{info.name}")
    _loaded = True
