"""The wire contract between a desk and the central server: versioned pydantic models.

Only the event envelope exists so far: it is what each outbox row becomes when pushed.
The sync issue adds push/pull requests and replies here; the server imports only this.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1

# Pull datasets: which event kinds every other desk receives, by kind prefix. Kinds not listed
# (visits, operators, the device's own setup) are pushed to the server only. Each area's
# events start with one of these prefixes; the desk applies them with the appliers of
# desktop.services.replication. "keys" and "conflicts" are made by the server itself.
DATASETS: dict[str, tuple[str, ...]] = {
    "keys": ("device.",),
    "members": ("member.",),
    "cards": ("card.",),
    "certificates": ("certificate.",),
    "conflicts": ("conflict.",),
    "campaigns": ("campaign.", "item.", "stock."),
    "handouts": ("handout.",),
    "courses": ("course.", "session.", "enrolment."),
    "attendance": ("attendance.",),
}


def dataset_of(kind: str) -> str | None:
    for name, prefixes in DATASETS.items():
        if kind.startswith(prefixes):
            return name
    return None


class EventEnvelope(BaseModel):
    """One recorded change, as made on a device.

    ``seq`` is the device's monotonically increasing sequence (the outbox row number);
    ``event_id`` is unique across all devices; ``device_time`` is information only: the
    server orders by receipt and sequence, never by device clocks.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(min_length=36, max_length=36)
    seq: int = Field(ge=1)
    kind: str = Field(max_length=40)
    entity_id: str = Field(min_length=1, max_length=36)
    station_id: str = Field(min_length=36, max_length=36)
    device_id: str = Field(min_length=36, max_length=36)
    operator_id: str | None = Field(default=None, max_length=36)
    device_time: datetime
    payload: dict[str, Any]
