"""Aid campaigns, items and handouts: plain types and the handout rules as pure functions.

A rule answers with a ``Refusal`` (a reason code and its parameters), never with text: the
desk screen, the CLI and the report turn it into words (``aid.refused.<code>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from desktop.domain.clock import from_iso

PROOFS = ("none", "code", "signature")


class RefusalCode(StrEnum):
    NOT_STARTED = "not_started"  # before the campaign's first day
    ENDED = "ended"  # after its last day
    CLOSED = "closed"  # closed by the organiser
    NOT_HERE = "not_here"  # this station does not take part
    NOT_ELIGIBLE = "not_eligible"  # tags / occupation do not match
    LIMIT_REACHED = "limit_reached"  # at most N per person per campaign
    TOO_SOON = "too_soon"  # minimum interval between two handouts
    DAY_MAX = "day_max"  # at most N per person per day
    NOT_COMBINABLE = "not_combinable"  # already received from an exclusive campaign
    # This desk has fewer left than the handout needs and the campaign refuses then (its
    # ``refuse_when_out``; without it the desk asks before handing out beyond its stock).
    OUT_OF_STOCK = "out_of_stock"


@dataclass(frozen=True)
class Refusal:
    code: RefusalCode
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageLine:
    item_id: str
    quantity: int


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    unit: str
    version: int = 1


@dataclass(frozen=True)
class Campaign:
    """A campaign with all its rules (a sync event carries every field)."""

    id: str
    name: str
    starts_on: str  # YYYY-MM-DD, the station's local day
    ends_on: str
    package: tuple[PackageLine, ...] = ()  # the default package handed out on Enter
    stations: tuple[str, ...] = ()  # station ids taking part; empty: every station
    tags: tuple[str, ...] = ()  # eligible with any of these tags ...
    occupations: tuple[str, ...] = ()  # ... or any of these occupations; both empty: all
    max_per_person: int | None = None  # handouts per person in the whole campaign
    min_interval_minutes: int | None = None  # between two handouts to one person
    max_per_day: int | None = None  # handouts per person per local day
    not_combinable_with: tuple[str, ...] = ()  # campaign ids
    proof: str = "none"  # none, code (typed confirmation), signature (drawn on screen)
    # A handout beyond this desk's stock is refused (a lead may still override); False:
    # the desk shows it in orange and hands out on a second Enter.
    refuse_when_out: bool = False
    active: bool = True
    version: int = 1
    central: bool = False  # made at HQ (中心下发): used here, never edited here

    def for_station(self, station_id: str) -> bool:
        """Whether ``station_id`` takes part (no stations named: every station does)."""
        return not self.stations or station_id in self.stations

    def rules(self) -> dict[str, Any]:
        """Every rule as plain data: what a campaign event carries."""
        return {
            "name": self.name,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "package": [{"item_id": p.item_id, "quantity": p.quantity} for p in self.package],
            "stations": list(self.stations),
            "tags": list(self.tags),
            "occupations": list(self.occupations),
            "max_per_person": self.max_per_person,
            "min_interval_minutes": self.min_interval_minutes,
            "max_per_day": self.max_per_day,
            "not_combinable_with": list(self.not_combinable_with),
            "proof": self.proof,
            "refuse_when_out": self.refuse_when_out,
            "active": self.active,
            "version": self.version,
        }

    @staticmethod
    def from_rules(campaign_id: str, data: dict[str, Any], central: bool = False) -> Campaign:
        return Campaign(
            id=campaign_id,
            name=str(data["name"]),
            starts_on=str(data["starts_on"]),
            ends_on=str(data["ends_on"]),
            package=tuple(
                PackageLine(str(p["item_id"]), int(p["quantity"])) for p in data.get("package", [])
            ),
            stations=tuple(data.get("stations", [])),
            tags=tuple(data.get("tags", [])),
            occupations=tuple(data.get("occupations", [])),
            max_per_person=_optional_int(data.get("max_per_person")),
            min_interval_minutes=_optional_int(data.get("min_interval_minutes")),
            max_per_day=_optional_int(data.get("max_per_day")),
            not_combinable_with=tuple(data.get("not_combinable_with", [])),
            proof=str(data.get("proof", "none")),
            refuse_when_out=bool(data.get("refuse_when_out", False)),
            active=bool(data.get("active", True)),
            version=int(data.get("version", 1)),
            central=central,
        )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class Recipient:
    """What the rules need to know of a member."""

    tags: tuple[str, ...]
    occupation: str


@dataclass(frozen=True)
class PriorHandout:
    """A standing (not voided) handout to the same person, made here or pulled."""

    campaign_id: str
    device_time: str  # UTC ISO
    local_date: str  # YYYY-MM-DD at the desk that made it


# --- the rules, each on its own --------------------------------------------------------


def dates_refusal(campaign: Campaign, today: str) -> Refusal | None:
    if not campaign.active:
        return Refusal(RefusalCode.CLOSED)
    if today < campaign.starts_on:
        return Refusal(RefusalCode.NOT_STARTED, {"starts_on": campaign.starts_on})
    if today > campaign.ends_on:
        return Refusal(RefusalCode.ENDED, {"ends_on": campaign.ends_on})
    return None


def station_refusal(campaign: Campaign, station_id: str) -> Refusal | None:
    if campaign.stations and station_id not in campaign.stations:
        return Refusal(RefusalCode.NOT_HERE)
    return None


def eligibility_refusal(campaign: Campaign, person: Recipient) -> Refusal | None:
    if not campaign.tags and not campaign.occupations:
        return None
    if set(person.tags) & set(campaign.tags):
        return None
    if person.occupation and person.occupation in campaign.occupations:
        return None
    wanted = [*campaign.tags, *campaign.occupations]
    return Refusal(RefusalCode.NOT_ELIGIBLE, {"wanted": "、".join(wanted)})


def limit_refusal(campaign: Campaign, prior: Sequence[PriorHandout]) -> Refusal | None:
    if campaign.max_per_person is None:
        return None
    received = sum(1 for h in prior if h.campaign_id == campaign.id)
    if received >= campaign.max_per_person:
        return Refusal(
            RefusalCode.LIMIT_REACHED, {"limit": campaign.max_per_person, "received": received}
        )
    return None


def interval_refusal(
    campaign: Campaign, prior: Sequence[PriorHandout], now: datetime
) -> Refusal | None:
    if not campaign.min_interval_minutes:
        return None
    mine = [h.device_time for h in prior if h.campaign_id == campaign.id]
    if not mine:
        return None
    interval = timedelta(minutes=campaign.min_interval_minutes)
    elapsed = now - from_iso(max(mine))
    # Within the interval either way: a clock set back a little still counts, while a desk
    # whose clock is a day or a year off does not block everybody for good.
    if -interval < elapsed < interval:
        left = interval - abs(elapsed)
        minutes = max(1, int(left.total_seconds() // 60))
        return Refusal(
            RefusalCode.TOO_SOON,
            {"interval": campaign.min_interval_minutes, "minutes_left": minutes},
        )
    return None


def day_refusal(campaign: Campaign, prior: Sequence[PriorHandout], today: str) -> Refusal | None:
    if campaign.max_per_day is None:
        return None
    today_count = sum(1 for h in prior if h.campaign_id == campaign.id and h.local_date == today)
    if today_count >= campaign.max_per_day:
        return Refusal(RefusalCode.DAY_MAX, {"limit": campaign.max_per_day})
    return None


def combinable_refusal(
    campaign: Campaign, prior: Sequence[PriorHandout], names: dict[str, str]
) -> Refusal | None:
    """Refused when the person already received from a campaign excluded by this one."""
    for other in campaign.not_combinable_with:
        if any(h.campaign_id == other for h in prior):
            return Refusal(RefusalCode.NOT_COMBINABLE, {"other": names.get(other, other[:8])})
    return None


def first_refusal(
    campaign: Campaign,
    person: Recipient,
    prior: Sequence[PriorHandout],
    *,
    now: datetime,
    today: str,
    station_id: str,
    names: dict[str, str] | None = None,
) -> Refusal | None:
    """The first rule that refuses a handout now, in the order a person would ask about."""
    return (
        dates_refusal(campaign, today)
        or station_refusal(campaign, station_id)
        or eligibility_refusal(campaign, person)
        or combinable_refusal(campaign, prior, names or {})
        or limit_refusal(campaign, prior)
        or day_refusal(campaign, prior, today)
        or interval_refusal(campaign, prior, now)
    )


@dataclass(frozen=True)
class Shortage:
    """An item this desk has fewer of than a handout needs (``left`` may be below zero)."""

    item_id: str
    item_name: str
    unit: str
    left: int
    wanted: int


class DeskStock(Protocol):
    """What this desk holds of one item (``services.aid.stock.StockLevel``): ``moved_in``
    nets receipts, transfers and adjustments; 0 means the desk keeps no stock of the item
    (it hands out from elsewhere: nothing to run out of here)."""

    @property
    def item_id(self) -> str: ...
    @property
    def item_name(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def moved_in(self) -> int: ...
    @property
    def left(self) -> int: ...


def shortages(
    wanted: Sequence[tuple[str, int]], stock: Sequence[DeskStock], *, strict: bool = False
) -> list[Shortage]:
    """The items of ``wanted`` (item id, quantity) this desk has fewer of than wanted. Stock
    is per desk: another desk's shelf never covers this one's.

    By default an item this desk has no stock moves of is left out (a desk that does not
    keep stock of it has nothing to run out of). ``strict`` (a campaign that refuses when
    out) counts it as none left: the desk hands out only what its records hold."""
    held = {s.item_id: s for s in stock}
    found = []
    for item_id, n in wanted:
        level = held.get(item_id)
        if level is None or not level.moved_in:
            if not strict:
                continue
            name, unit = (level.item_name, level.unit) if level else (item_id[:8], "")
            left = level.left if level else 0
        else:
            name, unit, left = level.item_name, level.unit, level.left
        if left < n:
            found.append(Shortage(item_id, name, unit, left, n))
    return found


def stock_refusal(campaign: Campaign, short: Sequence[Shortage]) -> Refusal | None:
    """Refused when the campaign says so and this desk is short of an item of the handout."""
    if not campaign.refuse_when_out or not short:
        return None
    left = "，".join(f"{s.item_name} {max(s.left, 0)}{s.unit}" for s in short)
    return Refusal(RefusalCode.OUT_OF_STOCK, {"left": left})


def remaining(campaign: Campaign, prior: Sequence[PriorHandout]) -> int | None:
    """Handouts this person may still receive in the campaign; None when unlimited."""
    if campaign.max_per_person is None:
        return None
    received = sum(1 for h in prior if h.campaign_id == campaign.id)
    return max(0, campaign.max_per_person - received)
