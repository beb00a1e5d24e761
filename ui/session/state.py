"""Who is at the desk: the opened data folder, this device, the operator on duty, and the
changes bus their writes are published on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop.bootstrap import Desk
from desktop.domain.clock import local_date
from desktop.domain.model import DeskContext, Device, Operator, Role
from ui.changes import ChangesBus


@dataclass
class DeskSession:
    desk: Desk
    device: Device
    operator: Operator
    # The shell's, shared by every sign-in; a session made alone (tests) has its own.
    changes: ChangesBus = field(default_factory=ChangesBus)

    def ctx(self) -> DeskContext:
        return DeskContext(
            station_id=self.device.station.id,
            device_id=self.device.id,
            operator_id=self.operator.id,
            operator_role=self.operator.role,
        )

    def can(self, role: Role) -> bool:
        return self.operator.role.at_least(role)

    def today(self) -> date:
        """The station's calendar day on the desk's clock (what every screen calls today)."""
        return date.fromisoformat(local_date(self.desk.uow().now()))
