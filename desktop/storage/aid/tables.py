"""Tables of the aid area: items, campaigns, stock moves and counts, handouts and voids.

Items and campaigns are editable entities with a ``version``; everything else is an
immutable event. A desk's stock level is derived: its stock moves minus its standing
handout lines. ``desk`` is the device code of the desk whose stock or handout it is.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class _Recorded:
    """Who made a record, where, and the device's own time."""

    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))


class AidItemRow(_Recorded, Base):
    __tablename__ = "aid_item"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    unit: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1)


class CampaignRow(_Recorded, Base):
    __tablename__ = "campaign"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    starts_on: Mapped[str] = mapped_column(String(10))
    ends_on: Mapped[str] = mapped_column(String(10))
    rules: Mapped[str] = mapped_column(Text)  # JSON: desktop.domain.aid.Campaign.rules()
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class HandoutRow(_Recorded, Base):
    """One handout to one person (made here or pulled from another desk). Immutable."""

    __tablename__ = "handout"
    __table_args__ = (
        Index("ix_handout_member_campaign", "member_id", "campaign_id"),
        Index("ix_handout_campaign_day", "campaign_id", "local_date", "desk"),
        Index("ix_handout_desk_latest", "campaign_id", "desk", "device_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36))
    member_id: Mapped[str] = mapped_column(String(36))  # no foreign key: may be pulled first
    member_number: Mapped[str] = mapped_column(String(20), default="")
    collector_id: Mapped[str | None] = mapped_column(String(36))  # 代领: who collected
    items: Mapped[str] = mapped_column(Text)  # JSON [{item_id, quantity}]
    desk: Mapped[str] = mapped_column(String(8))
    operator_name: Mapped[str] = mapped_column(String(50), default="")
    local_date: Mapped[str] = mapped_column(String(10))
    overridden: Mapped[str | None] = mapped_column(String(20))  # the refusal code overridden
    override_by: Mapped[str | None] = mapped_column(String(36))
    override_by_name: Mapped[str | None] = mapped_column(String(50))
    override_reason: Mapped[str | None] = mapped_column(String(200))
    proof: Mapped[str | None] = mapped_column(Text)  # "code:…" or "signature:<base64 png>"
    pulled: Mapped[bool] = mapped_column(default=False)


class HandoutLineRow(Base):
    """Item quantities of a handout, copied with its campaign, desk and day so that a desk's
    totals (all days, today) are sums over one covering index, without visiting handouts."""

    __tablename__ = "handout_line"
    __table_args__ = (
        Index("ix_handout_line_stock", "campaign_id", "desk", "local_date", "item_id", "quantity"),
    )

    handout_id: Mapped[str] = mapped_column(ForeignKey("handout.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[str] = mapped_column(String(36))
    desk: Mapped[str] = mapped_column(String(8))
    local_date: Mapped[str] = mapped_column(String(10))


class HandoutVoidRow(_Recorded, Base):
    __tablename__ = "handout_void"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handout_id: Mapped[str] = mapped_column(ForeignKey("handout.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(200))


class HandoutRefusalRow(_Recorded, Base):
    """A handout the rules refused at a desk (for the campaign report)."""

    __tablename__ = "handout_refusal"
    __table_args__ = (Index("ix_handout_refusal_campaign", "campaign_id", "local_date"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36))
    member_id: Mapped[str] = mapped_column(String(36))
    code: Mapped[str] = mapped_column(String(20))
    desk: Mapped[str] = mapped_column(String(8))
    local_date: Mapped[str] = mapped_column(String(10))


class StockMoveRow(_Recorded, Base):
    """Stock received, transferred out or in, or adjusted at one desk. Immutable."""

    __tablename__ = "stock_move"
    __table_args__ = (Index("ix_stock_move_level", "campaign_id", "item_id", "desk"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36))
    item_id: Mapped[str] = mapped_column(String(36))
    desk: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))  # received, transfer_out, transfer_in, adjusted
    quantity: Mapped[int] = mapped_column(Integer)  # signed
    event_id: Mapped[str] = mapped_column(String(36))  # the stock event (two rows: a transfer)
    other_desk: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    local_date: Mapped[str] = mapped_column(String(10))


class StockCountRow(_Recorded, Base):
    """A blind count at close of day: what was there, and what the records expected."""

    __tablename__ = "stock_count"
    __table_args__ = (Index("ix_stock_count_campaign", "campaign_id", "local_date"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36))
    item_id: Mapped[str] = mapped_column(String(36))
    desk: Mapped[str] = mapped_column(String(8))
    counted: Mapped[int] = mapped_column(Integer)
    expected: Mapped[int] = mapped_column(Integer)
    local_date: Mapped[str] = mapped_column(String(10))


class StockTallyRow(Base):
    """Derived, not a record: per campaign, desk and item, the sum of stock moves and of
    standing handout lines, kept in step by the repositories in the writing transaction
    (and rebuilt from the events by ``stock.rebuild_tallies``), so that a desk's level is one
    row read, not a sum over every handout of the campaign."""

    __tablename__ = "stock_tally"

    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    desk: Mapped[str] = mapped_column(String(8), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    moved: Mapped[int] = mapped_column(Integer, default=0)
    handed_out: Mapped[int] = mapped_column(Integer, default=0)
