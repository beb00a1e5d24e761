"""The event contract: every event kind declared once.

A declaration (``EventKind``) names the kind, its payload type (a frozen ``msgspec.Struct``),
who may author it (a desk, or only the server), the pull dataset it travels in (``None``:
pushed to the server only) and whether desks apply it. The desk's emitters build the payload
type and hand the declaration to the outbox; the server's ingest and rules and the desk's
appliers read payloads through ``decode``. Nothing reads a payload with ``.get("…")``.

Payloads are checked where they enter (the server for pushes, the desk for pulls): a payload
that does not match its declaration raises ``PayloadError`` with a short reason. Fields a
declaration does not name are tolerated (a newer desk may send more) but must still be plain
JSON: no NUL in any string or key, no integer beyond ±(2**53 - 1), no deeper than
``MAX_DEPTH`` (``screen``).

msgspec, not pydantic: measured by ``python -m bench.contract_decode`` (3.5-5× less CPU a
payload on the push path).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import msgspec
from msgspec import Meta

# --- plain JSON -------------------------------------------------------------------------------

MAX_INT = 2**53 - 1  # what every JSON reader (a browser too) holds exactly
MAX_DEPTH = 16
# A payload's JSON reduced to its shape: digits become "0", e/E "e", the separators a
# number follows (":", ",", "[") ":", "-" and "." stay, anything else is a space. An integer
# beyond 2**53 shows as 16 zeros in a row, a number with an exponent as ":0...e".
_SHAPES = bytes(
    ord("0")
    if chr(c) in "0123456789"
    else ord("e")
    if chr(c) in "eE"
    else ord(":")
    if chr(c) in ":,["
    else c
    if chr(c) in "-."
    else ord(" ")
    for c in range(256)
)
_EXPONENT = re.compile(rb":-?0[0.]*e")


def screen(value: Any, raw: bytes | None = None) -> str | None:
    """Why ``value`` (parsed JSON) may not travel, or None when it may.

    With ``raw`` (its JSON bytes), a look at the bytes spares the walk for nearly every
    payload: a NUL is always written ``\\u0000``, an integer beyond 2**53 has 16 digits and a
    float that large has them or an exponent, and fewer than ``MAX_DEPTH`` brackets cannot
    nest deeper than that.
    """
    if raw is not None and b"\\u0000" not in raw and raw.count(b"{") + raw.count(b"[") < MAX_DEPTH:
        shapes = raw.translate(_SHAPES)
        if b"0000000000000000" not in shapes and _EXPONENT.search(shapes) is None:
            return None
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return "too_deep"
        if isinstance(item, str):
            if "\x00" in item:
                return "nul_in_text"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not -MAX_INT <= item <= MAX_INT:
                return "number_out_of_range"
        elif isinstance(item, float):
            if not -MAX_INT <= item <= MAX_INT:  # also refuses NaN and infinities
                return "number_out_of_range"
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str) or "\x00" in key:
                    return "nul_in_text"
                stack.append((inner, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((inner, depth + 1) for inner in item)
        else:
            return "not_json"
    return None


# --- field types ------------------------------------------------------------------------------
# Sizes are what the desks' own forms allow (never less): a legitimate event is never refused.

Id = Annotated[str, Meta(min_length=1, max_length=36)]
Uuid = Annotated[str, Meta(min_length=36, max_length=36)]
DeviceCode = Annotated[str, Meta(min_length=1, max_length=8)]
Day = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
DayOrEmpty = Annotated[str, Meta(pattern=r"^(\d{4}-\d{2}-\d{2})?$")]
Moment = Annotated[str, Meta(max_length=40)]  # ISO 8601 time as the desks write it
ClockTime = Annotated[str, Meta(pattern=r"^\d{2}:\d{2}$")]
Text4 = Annotated[str, Meta(max_length=4)]
Text8 = Annotated[str, Meta(max_length=8)]
Text10 = Annotated[str, Meta(max_length=10)]
Text20 = Annotated[str, Meta(max_length=20)]
Text30 = Annotated[str, Meta(max_length=30)]
Text40 = Annotated[str, Meta(max_length=40)]
Text50 = Annotated[str, Meta(max_length=50)]
Text60 = Annotated[str, Meta(max_length=60)]
Text64 = Annotated[str, Meta(max_length=64)]
Text100 = Annotated[str, Meta(max_length=100)]
Text120 = Annotated[str, Meta(max_length=120)]
Text200 = Annotated[str, Meta(max_length=200)]
Text500 = Annotated[str, Meta(max_length=500)]
Text7000 = Annotated[str, Meta(max_length=7000)]
HoursText = Annotated[str, Meta(max_length=12)]  # exact decimal text, 0..10,000 (hours_ok)
Version = Annotated[int, Meta(ge=1, le=2**31 - 1)]
Count = Annotated[int, Meta(ge=0, le=10**7)]
Limit = Annotated[int, Meta(ge=1, le=10**7)]
Quantity = Annotated[int, Meta(ge=1, le=100_000)]
Delta = Annotated[int, Meta(ge=-100_000, le=100_000)]
StockCount = Annotated[int, Meta(ge=-(10**9), le=10**9)]
Serial = Annotated[int, Meta(ge=1, le=65_535)]
SmallInt = Annotated[int, Meta(ge=0, le=100_000)]
HOURS_MAX = Decimal(10_000)


def hours_ok(text: str | None) -> bool:
    """Decimal hours as the desks write them (``str(Decimal)``, e.g. ``1.5``, ``1E+1``)."""
    if text is None:
        return True
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return False
    return hours.is_finite() and 0 <= hours <= HOURS_MAX


class Payload(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every payload type: frozen, fields by name, unknown fields ignored."""


P = TypeVar("P", bound=Payload)


# --- the envelope, checked fast ---------------------------------------------------------------


class Envelope(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One pushed event's envelope as the server checks it: the same fields and bounds as
    the documented ``EventEnvelope`` (``sync.protocol.wire``, which the OpenAPI schema
    shows), in a fraction of the time (tests/sync/test_protocol.py holds them together)."""

    event_id: Uuid
    seq: Annotated[int, Meta(ge=1, le=MAX_INT)]
    kind: Annotated[str, Meta(max_length=40)]
    entity_id: Id
    station_id: Uuid
    device_id: Uuid
    device_time: datetime
    payload: dict[str, Any]
    operator_id: Annotated[str, Meta(max_length=36)] | None = None


def envelope(raw: Any) -> Envelope:
    """The envelope of a pushed event, or PayloadError ``invalid:<field>:<why>``."""
    try:
        return msgspec.convert(raw, Envelope)
    except msgspec.ValidationError as error:
        raise PayloadError(f"invalid:{_short(str(error))}") from None


# --- declarations -----------------------------------------------------------------------------


class Author(Enum):
    DESK = "desk"  # made at a desk, pushed by it
    SERVER = "server"  # made only by the server, signed with its key
    # Made at a desk (pushed), or at HQ by the server (signed with its key, like SERVER's):
    # e.g. a conflict resolved at HQ, a campaign or course made centrally.
    EITHER = "either"

    @property
    def desks_may_make(self) -> bool:
        return self is not Author.SERVER

    @property
    def server_may_make(self) -> bool:
        return self is not Author.DESK


# Pull datasets in the order a desk pulls them (keys first: later pages may need them).
DATASET_ORDER = (
    "keys",
    "members",
    "cards",
    "certificates",
    "conflicts",
    "campaigns",
    "handouts",
    "courses",
    "attendance",
)


class PayloadError(ValueError):
    """A payload that does not match its kind's declaration; ``reason`` is short, for a
    push result or the desk's quarantine list."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:120]


@dataclass(frozen=True, eq=False)
class EventKind(Generic[P]):
    name: str
    payload: type[P]
    author: Author
    dataset: str | None  # None: pushed to the server only, never pulled
    applied_by_desks: bool

    def decode(self, payload: Any, raw: bytes | None = None, screened: bool = False) -> P:
        """The typed payload, or PayloadError.

        ``raw``: the payload's JSON bytes (a faster check). ``screened``: the caller looked at
        the text the payload came in and found no NUL, and keeps nothing of it but the typed
        fields (a desk applying a pull page): then only the declared fields are checked.
        """
        if not isinstance(payload, dict):
            raise PayloadError("payload:not_an_object")
        problem = None if screened else screen(payload, raw)
        if problem is not None:
            raise PayloadError(f"payload:{problem}")
        try:
            return msgspec.convert(payload, self.payload)
        except msgspec.ValidationError as error:
            raise PayloadError(f"payload:{_short(str(error))}") from None

    def encode(self, payload: P) -> dict[str, Any]:
        """The payload as plain JSON data (what the outbox stores and the wire carries)."""
        if type(payload) is not self.payload:
            raise TypeError(f"{self.name} carries {self.payload.__name__}, not {type(payload)}")
        data: dict[str, Any] = msgspec.to_builtins(payload)
        return data

    def __repr__(self) -> str:
        return f"EventKind({self.name})"


def _short(message: str) -> str:
    """msgspec's "Expected `int`, got `str` - at `$.items[0].quantity`" as
    "items[0].quantity:Expected `int`, got `str`"."""
    what, _, where = message.partition(" - at `$")
    where = where.rstrip("`").lstrip(".")
    return f"{where}:{what}" if where else what


_KINDS: dict[str, EventKind[Any]] = {}


def declare(
    name: str,
    payload: type[P],
    *,
    author: Author = Author.DESK,
    dataset: str | None = None,
    applied_by_desks: bool | None = None,
) -> EventKind[P]:
    """Declare a kind once. Desks apply it when it travels in a dataset, unless told."""
    if name in _KINDS:
        raise ValueError(f"event kind {name} declared twice")
    if dataset is not None and dataset not in DATASET_ORDER:
        raise ValueError(f"{name}: no dataset {dataset}")
    applied = dataset is not None if applied_by_desks is None else applied_by_desks
    if applied and dataset is None:
        raise ValueError(f"{name}: desks cannot apply a kind that is never pulled")
    if not (isinstance(payload, type) and issubclass(payload, Payload)):
        raise TypeError(f"{name}: the payload type must be a Payload struct")
    kind = EventKind(name, payload, author, dataset, applied)
    _KINDS[name] = kind
    return kind


def kinds() -> Iterator[EventKind[Any]]:
    return iter(_KINDS.values())


def kind_of(name: str) -> EventKind[Any] | None:
    return _KINDS.get(name)


def decode(kind: str, payload: Any, raw: bytes | None = None) -> Payload:
    """The typed payload of an event of ``kind``; PayloadError if the kind is unknown or the
    payload does not match its declaration."""
    declared = _KINDS.get(kind)
    if declared is None:
        raise PayloadError("unknown_kind")
    result: Payload = declared.decode(payload, raw)
    return result


def datasets() -> dict[str, tuple[str, ...]]:
    """Dataset name -> the kinds travelling in it, in pull order."""
    found: dict[str, list[str]] = {name: [] for name in DATASET_ORDER}
    for kind in _KINDS.values():
        if kind.dataset is not None:
            found[kind.dataset].append(kind.name)
    return {name: tuple(sorted(members)) for name, members in found.items()}
