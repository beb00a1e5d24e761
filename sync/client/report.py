"""What one sync did: a plain value, importable without the network client (the desk window
shows it, and loads httpx and the wire models only when it first syncs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.services.sync.commands import SyncError


@dataclass
class SyncReport:
    pushed: int = 0
    rewound: bool = False  # restored from a backup: continued after the server's numbers
    # What that renumbered (old -> new): member numbers, and certificate serials, whose
    # papers printed before this sync no longer verify and are printed again.
    renumbered: dict[str, str] = field(default_factory=dict)
    reserialled: dict[str, str] = field(default_factory=dict)
    duplicates: int = 0
    quarantined: int = 0  # pushed events the server refused
    set_aside: int = 0  # pulled events not applied here (checked against their declaration)
    pulled: dict[str, int] = field(default_factory=dict)
    gaps: int = 0
    reset: bool = False
    error: SyncError | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


Progress = Callable[[str, int], None]  # (phase, count so far)
Cancelled = Callable[[], bool]
