"""Repositories of the aid area: items, campaigns, handouts, stock, in the domain's words."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from desktop.domain.aid import Campaign, Item, PriorHandout
from desktop.storage.aid.tables import (
    AidItemRow,
    CampaignRow,
    HandoutLineRow,
    HandoutRefusalRow,
    HandoutRow,
    HandoutVoidRow,
    StockCountRow,
    StockMoveRow,
    StockTallyRow,
)
from desktop.storage.desk.tables import AuditRow
from desktop.storage.sync.tables import OutboxRow
from sync.protocol import SERVER_DEVICE_ID


def to_item(row: AidItemRow) -> Item:
    return Item(id=row.id, name=row.name, unit=row.unit, version=row.version)


def is_central(row: CampaignRow | AidItemRow) -> bool:
    """Made at HQ: the server made (and signed) the event this row came from."""
    return row.device_id == SERVER_DEVICE_ID


def to_campaign(row: CampaignRow) -> Campaign:
    return Campaign.from_rules(row.id, json.loads(row.rules), central=is_central(row))


def tally(
    session: Session, campaign_id: str, desk: str, item_id: str, moved: int = 0, handed: int = 0
) -> None:
    """Add to the derived per-desk totals (``stock_tally``), in the caller's transaction."""
    statement = insert(StockTallyRow).values(
        campaign_id=campaign_id, desk=desk, item_id=item_id, moved=moved, handed_out=handed
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["campaign_id", "desk", "item_id"],
            set_={
                "moved": StockTallyRow.moved + moved,
                "handed_out": StockTallyRow.handed_out + handed,
            },
        )
    )


def unpushed(session: Session, entity_id: str) -> bool:
    """True when this desk changed the entity and the change has not reached the server."""
    query = select(OutboxRow.seq).where(
        OutboxRow.entity_id == entity_id, OutboxRow.pushed_at.is_(None)
    )
    return session.scalars(query.limit(1)).first() is not None


class Items:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: AidItemRow) -> None:
        self.session.add(row)

    def row(self, item_id: str) -> AidItemRow | None:
        return self.session.get(AidItemRow, item_id)

    def by_name(self, name: str) -> AidItemRow | None:
        return self.session.scalars(select(AidItemRow).where(AidItemRow.name == name)).first()

    def list(self) -> list[Item]:
        rows = self.session.scalars(select(AidItemRow).order_by(AidItemRow.name))
        return [to_item(row) for row in rows]


class Campaigns:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: CampaignRow) -> None:
        self.session.add(row)

    def row(self, campaign_id: str) -> CampaignRow | None:
        return self.session.get(CampaignRow, campaign_id)

    def get(self, campaign_id: str) -> Campaign | None:
        row = self.row(campaign_id)
        return None if row is None else to_campaign(row)

    def by_name(self, name: str) -> list[CampaignRow]:
        query = select(CampaignRow).where(CampaignRow.name == name).limit(5)
        return list(self.session.scalars(query))

    def list(self, include_closed: bool = True, station_id: str | None = None) -> list[Campaign]:
        """Every campaign; with ``station_id``, only those that station takes part in."""
        query = select(CampaignRow).order_by(CampaignRow.starts_on.desc(), CampaignRow.name)
        if not include_closed:
            query = query.where(CampaignRow.active.is_(True))
        found = [to_campaign(row) for row in self.session.scalars(query)]
        return found if station_id is None else [c for c in found if c.for_station(station_id)]

    def names(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        query = select(CampaignRow.id, CampaignRow.name).where(CampaignRow.id.in_(ids))
        return {i: n for i, n in self.session.execute(query)}


class Handouts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: HandoutRow, lines: Sequence[tuple[str, int]]) -> None:
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            HandoutLineRow(
                handout_id=row.id,
                item_id=item_id,
                quantity=quantity,
                campaign_id=row.campaign_id,
                desk=row.desk,
                local_date=row.local_date,
            )
            for item_id, quantity in lines
        )
        for item_id, quantity in lines:
            tally(self.session, row.campaign_id, row.desk, item_id, handed=quantity)

    def row(self, handout_id: str) -> HandoutRow | None:
        return self.session.get(HandoutRow, handout_id)

    def void_of(self, handout_id: str) -> HandoutVoidRow | None:
        query = select(HandoutVoidRow).where(HandoutVoidRow.handout_id == handout_id)
        return self.session.scalars(query).first()

    def add_void(self, row: HandoutVoidRow) -> None:
        """A void; its handout's lines no longer count in the desk's totals."""
        self.session.add(row)
        for line in self.lines(row.handout_id):
            tally(self.session, line.campaign_id, line.desk, line.item_id, handed=-line.quantity)

    def add_refusal(self, row: HandoutRefusalRow) -> None:
        self.session.add(row)

    def override_failures_since(self, operator_id: str, since: str) -> list[str]:
        """Times of wrong lead PINs typed at this desk by the operator on duty, oldest first."""
        query = (
            select(AuditRow.device_time)
            .where(
                AuditRow.operator_id == operator_id,
                AuditRow.action == "override_pin_wrong",
                AuditRow.device_time > since,
            )
            .order_by(AuditRow.device_time)
        )
        return list(self.session.scalars(query))

    def refusal(self, refusal_id: str) -> HandoutRefusalRow | None:
        return self.session.get(HandoutRefusalRow, refusal_id)

    def void(self, void_id: str) -> HandoutVoidRow | None:
        return self.session.get(HandoutVoidRow, void_id)

    def history(
        self, member_id: str, campaign_ids: Sequence[str]
    ) -> list[tuple[HandoutRow, HandoutVoidRow | None]]:
        """The member's handouts in these campaigns (voided ones too), oldest first."""
        query = (
            select(HandoutRow, HandoutVoidRow)
            .outerjoin(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutRow.id)
            .where(HandoutRow.member_id == member_id, HandoutRow.campaign_id.in_(campaign_ids))
            .order_by(HandoutRow.device_time)
        )
        return [(h, v) for h, v in self.session.execute(query)]

    def prior(self, member_id: str, campaign_ids: Sequence[str]) -> list[PriorHandout]:
        """The member's standing handouts in these campaigns, for the rules."""
        return [
            PriorHandout(h.campaign_id, h.device_time, h.local_date)
            for h, v in self.history(member_id, campaign_ids)
            if v is None
        ]

    def lines(self, handout_id: str) -> list[HandoutLineRow]:
        query = select(HandoutLineRow).where(HandoutLineRow.handout_id == handout_id)
        return list(self.session.scalars(query))

    def handed_out(self, campaign_id: str, desk: str | None, day: str | None) -> dict[str, int]:
        """Standing quantities per item (at one desk and on one day when given): every line
        (one covering index) less the lines of voided handouts (few)."""
        every = select(HandoutLineRow.item_id, func.sum(HandoutLineRow.quantity)).where(
            HandoutLineRow.campaign_id == campaign_id
        )
        voided = (
            select(HandoutLineRow.item_id, func.sum(HandoutLineRow.quantity))
            .join(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutLineRow.handout_id)
            .where(HandoutLineRow.campaign_id == campaign_id)
        )
        if desk is not None:
            every = every.where(HandoutLineRow.desk == desk)
            voided = voided.where(HandoutLineRow.desk == desk)
        if day is not None:
            every = every.where(HandoutLineRow.local_date == day)
            voided = voided.where(HandoutLineRow.local_date == day)
        totals = {
            item: int(total or 0)
            for item, total in self.session.execute(every.group_by(HandoutLineRow.item_id))
        }
        for item, total in self.session.execute(voided.group_by(HandoutLineRow.item_id)):
            totals[item] = totals.get(item, 0) - int(total or 0)
        return totals

    def people_served(self, campaign_id: str, desk: str | None, day: str | None) -> int:
        query = (
            select(func.count(func.distinct(HandoutRow.member_id)))
            .select_from(HandoutRow)
            .outerjoin(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutRow.id)
            .where(HandoutRow.campaign_id == campaign_id, HandoutVoidRow.id.is_(None))
        )
        if desk is not None:
            query = query.where(HandoutRow.desk == desk)
        if day is not None:
            query = query.where(HandoutRow.local_date == day)
        return int(self.session.scalar(query) or 0)

    def recent(
        self, campaign_id: str, desk: str, limit: int
    ) -> list[tuple[HandoutRow, HandoutVoidRow | None]]:
        query = (
            select(HandoutRow, HandoutVoidRow)
            .outerjoin(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutRow.id)
            .where(HandoutRow.campaign_id == campaign_id, HandoutRow.desk == desk)
            .order_by(HandoutRow.device_time.desc())
            .limit(limit)
        )
        return [(h, v) for h, v in self.session.execute(query)]

    def all_for(self, campaign_id: str) -> list[tuple[HandoutRow, HandoutVoidRow | None]]:
        query = (
            select(HandoutRow, HandoutVoidRow)
            .outerjoin(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutRow.id)
            .where(HandoutRow.campaign_id == campaign_id)
            .order_by(HandoutRow.device_time)
        )
        return [(h, v) for h, v in self.session.execute(query)]

    def refusals_for(self, campaign_id: str) -> list[HandoutRefusalRow]:
        query = select(HandoutRefusalRow).where(HandoutRefusalRow.campaign_id == campaign_id)
        return list(self.session.scalars(query))


class Stock:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_move(self, row: StockMoveRow) -> None:
        self.session.add(row)
        tally(self.session, row.campaign_id, row.desk, row.item_id, moved=row.quantity)

    def totals(self, campaign_id: str, desk: str | None) -> dict[str, tuple[int, int]]:
        """Per item: (stock moved, handed out) at one desk, or summed over every desk."""
        query = (
            select(
                StockTallyRow.item_id,
                func.sum(StockTallyRow.moved),
                func.sum(StockTallyRow.handed_out),
            )
            .where(StockTallyRow.campaign_id == campaign_id)
            .group_by(StockTallyRow.item_id)
        )
        if desk is not None:
            query = query.where(StockTallyRow.desk == desk)
        return {i: (int(m or 0), int(h or 0)) for i, m, h in self.session.execute(query)}

    def rebuild_tallies(self) -> None:
        """Recompute every derived total from the events (stock moves, lines, voids)."""
        self.session.execute(delete(StockTallyRow))
        self.session.flush()
        moves = select(
            StockMoveRow.campaign_id,
            StockMoveRow.desk,
            StockMoveRow.item_id,
            func.sum(StockMoveRow.quantity),
        ).group_by(StockMoveRow.campaign_id, StockMoveRow.desk, StockMoveRow.item_id)
        for campaign_id, desk, item_id, quantity in self.session.execute(moves):
            tally(self.session, campaign_id, desk, item_id, moved=int(quantity or 0))
        lines = (
            select(
                HandoutLineRow.campaign_id,
                HandoutLineRow.desk,
                HandoutLineRow.item_id,
                func.sum(HandoutLineRow.quantity),
            )
            .outerjoin(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutLineRow.handout_id)
            .where(HandoutVoidRow.id.is_(None))
            .group_by(HandoutLineRow.campaign_id, HandoutLineRow.desk, HandoutLineRow.item_id)
        )
        for campaign_id, desk, item_id, quantity in self.session.execute(lines):
            tally(self.session, campaign_id, desk, item_id, handed=int(quantity or 0))

    def add_count(self, row: StockCountRow) -> None:
        self.session.add(row)

    def move(self, move_id: str) -> StockMoveRow | None:
        return self.session.get(StockMoveRow, move_id)

    def moves_of_event(self, event_id: str) -> list[StockMoveRow]:
        query = select(StockMoveRow).where(StockMoveRow.event_id == event_id)
        return list(self.session.scalars(query))

    def count_row(self, count_id: str) -> StockCountRow | None:
        return self.session.get(StockCountRow, count_id)

    def moved(self, campaign_id: str, desk: str | None) -> dict[str, int]:
        """Sum of stock moves per item (at one desk when given)."""
        query = (
            select(StockMoveRow.item_id, func.sum(StockMoveRow.quantity))
            .where(StockMoveRow.campaign_id == campaign_id)
            .group_by(StockMoveRow.item_id)
        )
        if desk is not None:
            query = query.where(StockMoveRow.desk == desk)
        return {item: int(total or 0) for item, total in self.session.execute(query)}

    def moves_for(self, campaign_id: str) -> list[StockMoveRow]:
        query = (
            select(StockMoveRow)
            .where(StockMoveRow.campaign_id == campaign_id)
            .order_by(StockMoveRow.device_time)
        )
        return list(self.session.scalars(query))

    def counts_for(self, campaign_id: str, desk: str | None = None) -> list[StockCountRow]:
        query = (
            select(StockCountRow)
            .where(StockCountRow.campaign_id == campaign_id)
            .order_by(StockCountRow.device_time)
        )
        if desk is not None:
            query = query.where(StockCountRow.desk == desk)
        return list(self.session.scalars(query))


class AidFigures:
    """Grouped figures of one campaign for its report: per desk and local day."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def handouts(self, campaign_id: str) -> list[tuple[str, str, int, int, int]]:
        """(desk, day, handouts, people, overrides) of standing handouts."""
        query = (
            select(
                HandoutRow.desk,
                HandoutRow.local_date,
                func.count(),
                func.count(func.distinct(HandoutRow.member_id)),
                func.count(HandoutRow.overridden),
            )
            .outerjoin(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutRow.id)
            .where(HandoutRow.campaign_id == campaign_id, HandoutVoidRow.id.is_(None))
            .group_by(HandoutRow.desk, HandoutRow.local_date)
        )
        return [(d, day, int(n), int(p), int(o)) for d, day, n, p, o in self.session.execute(query)]

    def people(self, campaign_id: str) -> int:
        query = (
            select(func.count(func.distinct(HandoutRow.member_id)))
            .outerjoin(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutRow.id)
            .where(HandoutRow.campaign_id == campaign_id, HandoutVoidRow.id.is_(None))
        )
        return int(self.session.scalar(query) or 0)

    def items_out(self, campaign_id: str) -> list[tuple[str, str, str, int]]:
        """(desk, day, item id, quantity) of standing handouts: every line (the covering
        index, in order) less the lines of voided handouts (few)."""
        key = (HandoutLineRow.desk, HandoutLineRow.local_date, HandoutLineRow.item_id)
        every = (
            select(*key, func.sum(HandoutLineRow.quantity))
            .where(HandoutLineRow.campaign_id == campaign_id)
            .group_by(*key)
        )
        voided = (
            select(*key, func.sum(HandoutLineRow.quantity))
            .select_from(HandoutVoidRow)
            .join(HandoutLineRow, HandoutLineRow.handout_id == HandoutVoidRow.handout_id)
            .where(HandoutLineRow.campaign_id == campaign_id)
            .group_by(*key)
        )
        totals = {(d, day, i): int(q or 0) for d, day, i, q in self.session.execute(every)}
        for d, day, i, q in self.session.execute(voided):
            totals[d, day, i] -= int(q or 0)
        return [(d, day, i, q) for (d, day, i), q in totals.items()]

    def voids(self, campaign_id: str) -> list[tuple[str, str, int]]:
        query = (
            select(HandoutRow.desk, HandoutRow.local_date, func.count())
            .join(HandoutVoidRow, HandoutVoidRow.handout_id == HandoutRow.id)
            .where(HandoutRow.campaign_id == campaign_id)
            .group_by(HandoutRow.desk, HandoutRow.local_date)
        )
        return [(d, day, int(n)) for d, day, n in self.session.execute(query)]

    def refusals(self, campaign_id: str) -> list[tuple[str, str, int]]:
        query = (
            select(HandoutRefusalRow.desk, HandoutRefusalRow.local_date, func.count())
            .where(HandoutRefusalRow.campaign_id == campaign_id)
            .group_by(HandoutRefusalRow.desk, HandoutRefusalRow.local_date)
        )
        return [(d, day, int(n)) for d, day, n in self.session.execute(query)]

    def stock_moves(self, campaign_id: str) -> list[tuple[str, str, str, str, int]]:
        """(desk, day, item id, kind, quantity) of stock moves."""
        query = (
            select(
                StockMoveRow.desk,
                StockMoveRow.local_date,
                StockMoveRow.item_id,
                StockMoveRow.kind,
                func.sum(StockMoveRow.quantity),
            )
            .where(StockMoveRow.campaign_id == campaign_id)
            .group_by(
                StockMoveRow.desk, StockMoveRow.local_date, StockMoveRow.item_id, StockMoveRow.kind
            )
        )
        return [(d, day, i, k, int(q or 0)) for d, day, i, k, q in self.session.execute(query)]
