"""Aid: items, campaigns (the rules travel whole, versioned), stock moves and counts,
handouts, refusals and voids. A handout carries its campaign's limits: the server checks
them across desks from the event alone."""

from __future__ import annotations

from sync.protocol.contract import (
    Author,
    Day,
    DayOrEmpty,
    Delta,
    Id,
    Limit,
    Payload,
    Quantity,
    SmallInt,
    StockCount,
    Text8,
    Text10,
    Text20,
    Text40,
    Text50,
    Text60,
    Text100,
    Text200,
    Text7000,
    Version,
    declare,
)


class ItemPayload(Payload, frozen=True, kw_only=True):
    name: Text40
    unit: Text10
    version: Version = 1


class ItemLine(Payload, frozen=True, kw_only=True):
    """So many of one item: a line of a campaign's package or of a handout."""

    item_id: Id
    quantity: Quantity


class CampaignRules(Payload, frozen=True, kw_only=True):
    """Every rule of a campaign as plain data (``desktop.domain.aid.Campaign.rules``)."""

    name: Text60
    starts_on: Day
    ends_on: Day
    package: tuple[ItemLine, ...] = ()
    stations: tuple[Id, ...] = ()
    tags: tuple[Text100, ...] = ()
    occupations: tuple[Text100, ...] = ()
    max_per_person: Limit | None = None
    min_interval_minutes: Limit | None = None
    max_per_day: Limit | None = None
    not_combinable_with: tuple[Id, ...] = ()
    proof: Text20 = "none"
    # A handout beyond the stock of the desk making it is refused (at that desk: stock is
    # per desk and the server does not judge it). Absent in an older desk's event: False.
    refuse_when_out: bool = False
    active: bool = True
    version: Version = 1


class StockReceived(Payload, frozen=True, kw_only=True):
    campaign_id: Id
    item_id: Id
    desk: Text8
    quantity: Quantity
    source: Text100 = ""
    note: Text200 = ""
    local_date: DayOrEmpty = ""


class StockAdjusted(Payload, frozen=True, kw_only=True):
    campaign_id: Id
    item_id: Id
    desk: Text8
    quantity: Delta  # signed, never 0
    reason: Text200 = ""
    local_date: DayOrEmpty = ""

    def __post_init__(self) -> None:
        if self.quantity == 0:
            raise ValueError("an adjustment of 0")


class StockTransferred(Payload, frozen=True, kw_only=True):
    campaign_id: Id
    item_id: Id
    from_desk: Text8
    to_desk: Text8
    quantity: Quantity
    in_id: Id  # the receiving desk's stock move
    note: Text200 = ""
    local_date: DayOrEmpty = ""


class StockCounted(Payload, frozen=True, kw_only=True):
    campaign_id: Id
    item_id: Id
    desk: Text8
    counted: SmallInt
    expected: StockCount
    local_date: DayOrEmpty = ""


class HandoutLimits(Payload, frozen=True, kw_only=True):
    max_per_person: Limit | None = None
    max_per_day: Limit | None = None
    min_interval_minutes: Limit | None = None
    not_combinable_with: tuple[Id, ...] = ()


# ``HandoutOverride.refusal`` of a lead's handout beyond the desk's stock: it overrode no
# rule about the person, so the server still checks the campaign's limits across desks.
OUT_OF_STOCK = "out_of_stock"


class HandoutOverride(Payload, frozen=True, kw_only=True):
    refusal: Text20
    by: Id | None = None
    by_name: Text50 | None = None
    reason: Text200 | None = None


class HandoutRecorded(Payload, frozen=True, kw_only=True):
    """Self-contained: another desk rebuilds the handout, the server checks the limits."""

    campaign_id: Id
    member_id: Id
    desk: Text8
    campaign_name: Text60 = ""
    campaign_version: Version = 1
    limits: HandoutLimits | None = None
    member_number: Text20 = ""
    collector_id: Id | None = None
    collector_number: Text20 | None = None
    items: tuple[ItemLine, ...] = ()
    operator_name: Text50 = ""
    local_date: DayOrEmpty = ""
    override: HandoutOverride | None = None
    proof: Text7000 | None = None  # "code:…" or "signature:<base64 png>"


class HandoutRefused(Payload, frozen=True, kw_only=True):
    campaign_id: Id
    member_id: Id
    code: Text20
    desk: Text8
    local_date: DayOrEmpty = ""


class HandoutVoided(Payload, frozen=True, kw_only=True):
    handout_id: Id
    campaign_id: Id | None = None
    member_id: Id | None = None
    desk: Text8 = ""
    reason: Text200 = ""


# Items and campaigns are made at a desk, or centrally at HQ (sync.server.central: signed by the
# server; a desk shows them as 中心下发 and does not edit them).
ITEM_CREATED = declare("item.created", ItemPayload, author=Author.EITHER, dataset="campaigns")
CAMPAIGN_CREATED = declare(
    "campaign.created", CampaignRules, author=Author.EITHER, dataset="campaigns"
)
CAMPAIGN_UPDATED = declare(
    "campaign.updated", CampaignRules, author=Author.EITHER, dataset="campaigns"
)
STOCK_RECEIVED = declare("stock.received", StockReceived, author=Author.DESK, dataset="campaigns")
STOCK_ADJUSTED = declare("stock.adjusted", StockAdjusted, author=Author.DESK, dataset="campaigns")
STOCK_TRANSFERRED = declare(
    "stock.transferred", StockTransferred, author=Author.DESK, dataset="campaigns"
)
STOCK_COUNTED = declare("stock.counted", StockCounted, author=Author.DESK, dataset="campaigns")
HANDOUT_RECORDED = declare(
    "handout.recorded", HandoutRecorded, author=Author.DESK, dataset="handouts"
)
HANDOUT_REFUSED = declare("handout.refused", HandoutRefused, author=Author.DESK, dataset="handouts")
HANDOUT_VOIDED = declare("handout.voided", HandoutVoided, author=Author.DESK, dataset="handouts")
