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
    "keys": ("device.enrolled", "device.revoked"),
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


# --- versions and headers -------------------------------------------------------------------

PROTOCOL_HEADER = "X-Waystation-Protocol"
APP_HEADER = "X-Waystation-App"
EPOCH_HEADER = "X-Waystation-Epoch"  # the server database's identity, as the desk last knew it
MAX_BATCH = 500  # events per push
MAX_BODY_BYTES = 4 * 1024 * 1024  # a request body, after decompression
MAX_PAGE = 5000  # events per pull page
SERVER_DEVICE_ID = "00000000-0000-0000-0000-000000000000"  # author of server-made events


class ProblemCode:
    """``code`` of an error reply; the desk turns each into a message in its own language."""

    UPGRADE_REQUIRED = "upgrade_required"  # 426: the desk speaks too old a protocol
    RESET = "reset"  # 409: the server's database is not the one the desk synced with
    DEVICE_REVOKED = "device_revoked"  # 403
    UNAUTHORIZED = "unauthorized"  # 401: no or unknown device token
    BAD_CODE = "bad_enrolment_code"  # 400: unknown, used or expired enrolment code
    DEVICE_CODE_TAKEN = "device_code_taken"  # 409: another device enrolled with this code
    TOO_LARGE = "too_large"  # 413
    BAD_REQUEST = "bad_request"  # 400/422
    NOT_FOUND = "not_found"  # 404
    TOO_MANY_ATTEMPTS = "too_many_attempts"  # 429: wrong codes or tokens from this address


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


class EnrolReply(BaseModel):
    device_token: str
    station_id: str
    station_name: str
    station_kind: str
    id_hash_key: str  # base64: the organisation's ID-number HMAC key
    epoch: str


# --- push -----------------------------------------------------------------------------------


class EventStatus:
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # this event id with this payload is already stored
    CONFLICT = "conflict"  # this event id is stored with a different payload: never overwritten
    REJECTED = "rejected"  # refused (reason says why); the desk quarantines it


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


class PullReply(BaseModel):
    dataset: str
    events: list[PulledEnvelope]
    cursor: str  # opaque: give it back to get the next page
    more: bool


# --- conflicts ------------------------------------------------------------------------------


class ConflictKind:
    DUPLICATE_MEMBER = "member.duplicate"
    HANDOUT_LIMIT = "handout.limit"


class ConflictRecord(BaseModel):
    """One side of a conflict, as the desks show it."""

    event_id: str
    entity_id: str
    kind: str
    station_id: str
    station_name: str = ""
    device_id: str
    device_code: str = ""
    operator_id: str | None = None
    operator_name: str = ""
    device_time: datetime
    received_at: datetime
    summary: dict[str, Any] = Field(default_factory=dict)


# A conflict travels to the desks as a server-made event of kind "conflict.opened" whose
# payload is ConflictOpened, and a resolution as "conflict.resolved" (made at a desk, pushed
# like any event, applied by the server and pulled by the other desks).
class ConflictOpened(BaseModel):
    conflict_id: str
    conflict_kind: str
    records: list[ConflictRecord]
    detail: dict[str, Any] = Field(default_factory=dict)


class ConflictResolved(BaseModel):
    conflict_id: str
    note: str = Field(min_length=1, max_length=500)
    action: str = Field(default="note", max_length=20)  # note | merge
    merge_into: str | None = None  # member id kept, when action is merge
    merge_from: str | None = None


class Stats(BaseModel):
    events_by_kind: dict[str, int]
    events_by_station: dict[str, int]
    open_conflicts: int
    devices: list[dict[str, Any]]
