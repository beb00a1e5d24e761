"""The wire contract between a desk and the central server.

- ``contract``: how an event kind is declared (payload type, author, dataset) and checked;
- ``events``: every kind, declared once per area;
- ``signing``: what the server signs of the events only it may make;
- ``wire``: the envelope, requests and replies (pydantic models), loaded on first use;
- here: versions, headers, limits, and every name above importable from ``sync.protocol``.

The server imports only this package of the project; the desk's core may import it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sync.protocol import events as _events  # noqa: F401  (declares every kind)
from sync.protocol.contract import (
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
from sync.protocol.limits import (
    APP_HEADER,
    EPOCH_HEADER,
    MAX_BATCH,
    MAX_BODY_BYTES,
    MAX_PAGE,
    MAX_SEQ,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SERVER_DEVICE_ID,
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
    "RewoundDevice",
    "SequenceGap",
    "Stats",
    "dataset_of",
    "decode",
    "kind_of",
]

# Pull datasets, derived from the declarations: dataset -> the kinds every other desk
# receives in it, in the order desks pull them (keys first). Kinds in no dataset (visits,
# operators, the device's own setup) are pushed to the server only.
DATASETS: dict[str, tuple[str, ...]] = datasets()
_DATASET_OF = {kind: name for name, members in DATASETS.items() for kind in members}


def dataset_of(kind: str) -> str | None:
    return _DATASET_OF.get(kind)


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
    INTERNAL = "internal"  # 500: the server failed; logged there, never a stack trace


class EventStatus:
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # this event id with this payload is already stored
    CONFLICT = "conflict"  # this event id is stored with a different payload: never overwritten
    REJECTED = "rejected"  # refused (reason says why); the desk quarantines it


# The wire models are loaded on first use: the desk core queues and checks events without
# pydantic (measured: it was most of the cost of importing this package).
_WIRE = frozenset(
    {
        "EnrolReply",
        "EnrolRequest",
        "EventEnvelope",
        "EventResult",
        "Problem",
        "PullReply",
        "PulledEnvelope",
        "PushReply",
        "PushRequest",
        "RewoundDevice",
        "SequenceGap",
        "Stats",
    }
)

if TYPE_CHECKING:
    from sync.protocol.wire import (
        EnrolReply,
        EnrolRequest,
        EventEnvelope,
        EventResult,
        Problem,
        PulledEnvelope,
        PullReply,
        PushReply,
        PushRequest,
        RewoundDevice,
        SequenceGap,
        Stats,
    )


def __getattr__(name: str) -> Any:
    if name in _WIRE:
        from sync.protocol import wire

        return getattr(wire, name)
    raise AttributeError(f"module 'sync.protocol' has no attribute {name!r}")
