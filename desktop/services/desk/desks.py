"""Which desk a record came from, in words a person knows: records carry the device code
(``RWM3Q3``); the server named each device's station when it enrolled it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop.storage.desk.repositories import PublicKeys
from desktop.storage.uow import UnitOfWork


@dataclass(frozen=True)
class DeskNames:
    own_code: str  # this device ("" before setup)
    stations: dict[str, str] = field(default_factory=dict)  # device code -> station name

    def station_of(self, code: str) -> str:
        """The station the server enrolled ``code`` for; "" when not known here."""
        return self.stations.get(code, "")


def desk_names(uow: UnitOfWork, codes: Iterable[str]) -> DeskNames:
    """Names of the desks ``codes`` (the ones a screen is about to show)."""
    with uow.reading():
        device = uow.device.row()
        own = device.code if device else ""
        return DeskNames(own, uow.repo(PublicKeys).station_names(c for c in codes if c != own))
