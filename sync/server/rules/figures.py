"""The console's figures follow every accepted push (``sync/server/figures/``): one rule for
every kind they count, in the push's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sync.protocol import kind_of
from sync.server.figures.projection import KINDS, Fact, project
from sync.server.models import DeviceRow
from sync.server.rules.engine import Accepted, rule
from sync.server.signing import ServerKey


def _declared(name: str) -> Any:
    declared = kind_of(name)
    assert declared is not None, name
    return declared


@rule(*(_declared(name) for name in KINDS))
def figures(
    session: Session, device: DeviceRow, accepted: list[Accepted[Any]], key: ServerKey
) -> None:
    project(
        session,
        [
            Fact(
                kind=item.event.kind,
                event_id=item.event.event_id,
                entity_id=item.event.entity_id,
                station_id=item.station_id,
                device_time=item.event.device_time,
                payload=item.payload,
            )
            for item in accepted
        ],
    )
