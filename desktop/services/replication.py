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

_APPLIERS: dict[str, Applier] = {}


def applier(*kinds: str) -> Callable[[Applier], Applier]:
    def register(function: Applier) -> Applier:
        for kind in kinds:
            if kind in _APPLIERS:
                raise ValueError(f"two appliers for {kind}")
            _APPLIERS[kind] = function
        return function

    return register


def applier_for(kind: str) -> Applier | None:
    _load_areas()
    return _APPLIERS.get(kind)


def apply(uow: UnitOfWork, event: PulledEvent) -> bool:
    """Apply one pulled event; False when this desk has no applier for its kind."""
    function = applier_for(event.kind)
    if function is None:
        return False
    function(uow, event)
    return True


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
