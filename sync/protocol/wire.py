"""The wire models (pydantic): the envelope, requests and replies of the HTTP API.

Imported on first use through ``sync.protocol`` (``from sync.protocol import EnrolReply``):
a desk that only queues events never loads pydantic for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol.limits import MAX_BATCH, MAX_SEQ


class EventEnvelope(BaseModel):
    """One recorded change, as made on a device.

    ``seq`` is the device's monotonically increasing sequence (the outbox row number);
    ``event_id`` is unique across all devices; ``device_time`` is information only: the
    server orders by receipt and sequence, never by device clocks.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(min_length=36, max_length=36)
    seq: int = Field(ge=1, le=MAX_SEQ)
    kind: str = Field(max_length=40)
    entity_id: str = Field(min_length=1, max_length=36)
    station_id: str = Field(min_length=36, max_length=36)
    device_id: str = Field(min_length=36, max_length=36)
    operator_id: str | None = Field(default=None, max_length=36)
    device_time: datetime
    payload: dict[str, Any]


class Problem(BaseModel):
    code: str
    message: str = ""
    detail: dict[str, Any] = Field(default_factory=dict)


# --- enrolment ------------------------------------------------------------------------------


class EnrolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=4, max_length=40)
    device_id: str = Field(min_length=36, max_length=36)
    device_code: str = Field(min_length=4, max_length=8)
    public_key: str = Field(min_length=40, max_length=60)  # base64 of 32 raw Ed25519 bytes
    local_station_id: str = Field(min_length=36, max_length=36)
    app_version: str = Field(default="", max_length=40)
    # base64 Ed25519 signature of ``signing.enrolment_message(code, device_id)`` by the
    # device's key: lets a device enrol again (to learn a new server key) with a new code.
    proof: str = Field(default="", max_length=100)


class EnrolReply(BaseModel):
    device_token: str
    station_id: str
    station_name: str
    station_kind: str
    id_hash_key: str  # base64: the organisation's ID-number HMAC key
    epoch: str
    # base64 of the server's 32-byte Ed25519 public key: the desk pins it and believes
    # server-authored events (device keys, revocations, conflicts) only when signed by it.
    # Empty from a server older than the event contract (the desk then refuses to enrol).
    server_public_key: str = ""
    # The server's public verification address: a desk prints certificates' QR codes as
    # ``{verify_url}/v/{serial}?s=...`` from then on. Empty from an older server.
    verify_url: str = ""


# --- push -----------------------------------------------------------------------------------


class PushRequest(BaseModel):
    """Events travel as plain objects so that one malformed event is refused alone."""

    model_config = ConfigDict(extra="forbid")

    events: list[dict[str, Any]] = Field(max_length=MAX_BATCH)


class EventResult(BaseModel):
    event_id: str
    seq: int | None = None
    status: str
    reason: str | None = None
    server_seq: int | None = None


class SequenceGap(BaseModel):
    expected: int  # the next sequence the server expected from this device
    received: int  # the first sequence of this batch beyond it


class RewoundDevice(BaseModel):
    """The desk's sequence went back (restored from a backup): continue after these."""

    last_seq: int  # the highest sequence the server holds from this device
    member_seq: int  # the highest member number (its sequence part) it registered
    # The highest certificate serial (its number part, C-CODE-0042 -> 42) it issued; 0 from a
    # server that did not say (older than this field).
    certificate_seq: int = 0


class PushReply(BaseModel):
    results: list[EventResult]
    last_seq: int  # the highest sequence the server holds from this device
    gap: SequenceGap | None = None
    # Set when new events came with sequences already used: none of them was stored.
    rewound: RewoundDevice | None = None


# --- pull -----------------------------------------------------------------------------------


class PulledEnvelope(EventEnvelope):
    server_seq: int
    received_at: datetime
    signature: str | None = None  # server-authored events: base64 Ed25519 (sync.protocol.signing)


class PullReply(BaseModel):
    dataset: str
    events: list[PulledEnvelope]
    cursor: str  # opaque: give it back to get the next page
    more: bool


class Stats(BaseModel):
    events_by_kind: dict[str, int]
    events_by_station: dict[str, int]
    open_conflicts: int
    devices: list[dict[str, Any]]
