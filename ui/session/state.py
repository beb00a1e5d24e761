"""Who is at the desk: the opened data folder, this device and the operator on duty."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext, Device, Operator, Role


@dataclass
class DeskSession:
    desk: Desk
    device: Device
    operator: Operator

    def ctx(self) -> DeskContext:
        return DeskContext(
            station_id=self.device.station.id,
            device_id=self.device.id,
            operator_id=self.operator.id,
            operator_role=self.operator.role,
        )

    def can(self, role: Role) -> bool:
        return self.operator.role.at_least(role)
