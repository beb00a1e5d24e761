"""The wire contract between a desk and the central server.

- ``contract``: how an event kind is declared (payload type, author, dataset) and checked;
- ``events``: every kind, declared once per area;
- ``signing``: what the server signs of the events only it may make;
- here: the envelope, requests and replies (pydantic models), versions and headers.

The server imports only this package of the project; the desk's core may import it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import events as _events  # noqa: F401  (declares every kind)
from sync.protocol.contract import (
    MAX_INT,
    Author,
    EventKind,
    PayloadError,
    datasets,
    decode,
    kind_of,
)
from sync.protocol.events.conflicts import (
    ConflictKind,
    ConflictOpened,
    ConflictRecord,
    ConflictResolved,
)

__all__ = [
    "APP_HEADER",
    "DATASETS",
    "EPOCH_HEADER",
    "MAX_BATCH",
    "MAX_BODY_BYTES",
    "MAX_PAGE",
    "MAX_SEQ",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "SERVER_DEVICE_ID",
    "Author",
    "ConflictKind",
    "ConflictOpened",
    "ConflictRecord",
    "ConflictResolved",
    "EnrolReply",
    "EnrolRequest",
    "EventEnvelope",
    "EventKind",
    "EventResult",
    "EventStatus",
    "PayloadError",
    "Problem",
    "ProblemCode",
    "PullReply",
    "PulledEnvelope",
    "PushReply",
    "PushRequest",
    "SequenceGap",
    "Stats",
    "dataset_of",
    "decode",
    "kind_of",
]

PROTOCOL_VERSION = 1

# Pull datasets, derived from the declarations: dataset -> the kinds every other desk
# receives in it, in the order desks pull them (keys first). Kinds in no dataset (visits,
# operators, the device's own setup) are pushed to the server only.
DATASETS: dict[str, tuple[str, ...]] = datasets()
_DATASET_OF = {kind: name for name, members in DATASETS.items() for kind in members}

MAX_SEQ = MAX_INT  # a device's sequence: 1 .. 2**53 - 1


def dataset_of(kind: str) -> str | None:
    return _DATASET_OF.get(kind)


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


class PushReply(BaseModel):
    results: list[EventResult]
    last_seq: int  # the highest sequence the server holds from this device
    gap: SequenceGap | None = None


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
