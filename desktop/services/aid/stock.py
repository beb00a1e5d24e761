"""Stock per campaign, item and desk: receive, transfer, adjust, blind count; levels derived.

Every movement is an immutable ``stock_move`` row with its outbox event; a desk's level of an
item is the sum of its moves minus its standing handout lines (a void puts the stock back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from desktop.domain.aid_report import Discrepancy
from desktop.domain.clock import local_date, local_day_of, to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, Role
from desktop.services.aid.campaigns import QUANTITY_MAX, clean_quantity
from desktop.services.desk.operators import require_role
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.storage.aid.repositories import Campaigns, Handouts, Items, Stock
from desktop.storage.aid.tables import StockCountRow, StockMoveRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.aid import (
    STOCK_ADJUSTED,
    STOCK_COUNTED,
    STOCK_RECEIVED,
    STOCK_TRANSFERRED,
    StockAdjusted,
    StockCounted,
    StockReceived,
    StockTransferred,
)

NOTE_MAX = 200


def desk_code(uow: UnitOfWork) -> str:
    """This desk's name in stock and handout records: the device code."""
    device = uow.device.row()
    if device is None:
        raise RuleViolation("setup.required")
    return device.code


def own_desk(uow: UnitOfWork) -> str:
    """This desk's code, read in a block of its own."""
    with uow.reading():
        return desk_code(uow)


def _note(text: str, required: bool = False) -> str:
    text = " ".join(text.split())
    if required and not text:
        raise InvalidInput("aid.reason_required", field="reason")
    if len(text) > NOTE_MAX:
        raise InvalidInput("aid.note_too_long", field="note", max=NOTE_MAX)
    return text


def _check_refs(uow: UnitOfWork, campaign_id: str, item_id: str) -> None:
    if uow.repo(Campaigns).row(campaign_id) is None:
        raise NotFound("aid.campaign_not_found", ref=campaign_id[:40])
    if uow.repo(Items).row(item_id) is None:
        raise NotFound("aid.item_not_found", ref=item_id[:40])


class Maker(Protocol):
    """Who made a record: this desk's context, or a pulled event's maker."""

    @property
    def station_id(self) -> str: ...
    @property
    def device_id(self) -> str: ...
    @property
    def operator_id(self) -> str | None: ...


def _move(
    uow: UnitOfWork,
    ctx: Maker,
    *,
    move_id: str,
    event_id: str,
    campaign_id: str,
    item_id: str,
    desk: str,
    kind: str,
    quantity: int,
    at: str,
    day: str,
    other_desk: str | None = None,
    source: str = "",
    note: str = "",
) -> StockMoveRow:
    row = StockMoveRow(
        id=move_id,
        campaign_id=campaign_id,
        item_id=item_id,
        desk=desk,
        kind=kind,
        quantity=quantity,
        event_id=event_id,
        other_desk=other_desk,
        source=source,
        note=note,
        local_date=day,
        station_id=ctx.station_id,
        device_id=ctx.device_id,
        operator_id=ctx.operator_id,
        device_time=at,
    )
    uow.repo(Stock).add_move(row)
    return row


def receive(
    campaign_id: str,
    item_id: str,
    quantity: int,
    uow: UnitOfWork,
    ctx: DeskContext,
    source: str = "",
    note: str = "",
) -> str:
    """Stock arrived at this desk. Returns the move id."""
    quantity = clean_quantity(quantity)
    source, note = _note(source)[:100], _note(note)
    with uow:
        _check_refs(uow, campaign_id, item_id)
        now = uow.now()
        at, day, desk = to_iso(now), local_date(now), desk_code(uow)
        move_id = new_id()
        _move(
            uow,
            ctx,
            move_id=move_id,
            event_id=move_id,
            campaign_id=campaign_id,
            item_id=item_id,
            desk=desk,
            kind="received",
            quantity=quantity,
            at=at,
            day=day,
            source=source,
            note=note,
        )
        payload = StockReceived(
            campaign_id=campaign_id,
            item_id=item_id,
            desk=desk,
            quantity=quantity,
            source=source,
            note=note,
            local_date=day,
        )
        uow.outbox.append(STOCK_RECEIVED, move_id, payload, ctx, at)
        uow.commit()
        return move_id


def adjust(
    campaign_id: str, item_id: str, delta: int, reason: str, uow: UnitOfWork, ctx: DeskContext
) -> str:
    """Correct this desk's level by ``delta`` (signed), with a reason. Station leads only."""
    require_role(ctx, Role.LEAD)
    if delta == 0 or abs(delta) > QUANTITY_MAX:
        raise InvalidInput("aid.adjust_range", field="quantity", max=QUANTITY_MAX)
    reason = _note(reason, required=True)
    with uow:
        _check_refs(uow, campaign_id, item_id)
        now = uow.now()
        at, day, desk = to_iso(now), local_date(now), desk_code(uow)
        move_id = new_id()
        _move(
            uow,
            ctx,
            move_id=move_id,
            event_id=move_id,
            campaign_id=campaign_id,
            item_id=item_id,
            desk=desk,
            kind="adjusted",
            quantity=delta,
            at=at,
            day=day,
            note=reason,
        )
        payload = StockAdjusted(
            campaign_id=campaign_id,
            item_id=item_id,
            desk=desk,
            quantity=delta,
            reason=reason,
            local_date=day,
        )
        uow.outbox.append(STOCK_ADJUSTED, move_id, payload, ctx, at)
        uow.commit()
        return move_id


def transfer(
    campaign_id: str,
    item_id: str,
    quantity: int,
    to_desk: str,
    uow: UnitOfWork,
    ctx: DeskContext,
    note: str = "",
) -> str:
    """Move stock from this desk to another (named by its device code). Returns its id."""
    quantity = clean_quantity(quantity)
    to_desk = to_desk.strip().upper()
    note = _note(note)
    if not to_desk.isalnum() or len(to_desk) > 8:
        raise InvalidInput("aid.bad_desk", field="to_desk", desk=to_desk[:12])
    with uow:
        _check_refs(uow, campaign_id, item_id)
        now = uow.now()
        at, day, desk = to_iso(now), local_date(now), desk_code(uow)
        if to_desk == desk:
            raise InvalidInput("aid.transfer_to_self", field="to_desk")
        transfer_id, in_id = new_id(), new_id()
        common: dict[str, Any] = {
            "event_id": transfer_id,
            "campaign_id": campaign_id,
            "item_id": item_id,
            "at": at,
            "day": day,
            "note": note,
        }
        _move(
            uow,
            ctx,
            move_id=transfer_id,
            desk=desk,
            kind="transfer_out",
            quantity=-quantity,
            other_desk=to_desk,
            **common,
        )
        _move(
            uow,
            ctx,
            move_id=in_id,
            desk=to_desk,
            kind="transfer_in",
            quantity=quantity,
            other_desk=desk,
            **common,
        )
        payload = StockTransferred(
            campaign_id=campaign_id,
            item_id=item_id,
            from_desk=desk,
            to_desk=to_desk,
            quantity=quantity,
            in_id=in_id,
            note=note,
            local_date=day,
        )
        uow.outbox.append(STOCK_TRANSFERRED, transfer_id, payload, ctx, at)
        uow.commit()
        return transfer_id


@dataclass(frozen=True)
class CountResult:
    id: str
    item_id: str
    counted: int
    expected: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


def count(
    campaign_id: str, item_id: str, counted: int, uow: UnitOfWork, ctx: DeskContext
) -> CountResult:
    """A blind count: the operator typed what is there; the expected level is taken now."""
    if not 0 <= counted <= QUANTITY_MAX:
        raise InvalidInput("aid.count_range", field="counted", max=QUANTITY_MAX)
    with uow:
        _check_refs(uow, campaign_id, item_id)
        now = uow.now()
        at, day, desk = to_iso(now), local_date(now), desk_code(uow)
        expected = _level(uow, campaign_id, desk).get(item_id, 0)
        row = StockCountRow(
            id=new_id(),
            campaign_id=campaign_id,
            item_id=item_id,
            desk=desk,
            counted=counted,
            expected=expected,
            local_date=day,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            operator_id=ctx.operator_id,
            device_time=at,
        )
        uow.repo(Stock).add_count(row)
        payload = StockCounted(
            campaign_id=campaign_id,
            item_id=item_id,
            desk=desk,
            counted=counted,
            expected=expected,
            local_date=day,
        )
        uow.outbox.append(STOCK_COUNTED, row.id, payload, ctx, at)
        uow.commit()
        return CountResult(row.id, item_id, counted, expected)


def _level(uow: UnitOfWork, campaign_id: str, desk: str | None) -> dict[str, int]:
    return {i: moved - out for i, (moved, out) in uow.repo(Stock).totals(campaign_id, desk).items()}


@dataclass(frozen=True)
class StockLevel:
    item_id: str
    item_name: str
    unit: str
    moved_in: int  # received, transferred in and adjusted, net
    handed_out: int
    handed_out_today: int
    left: int


def levels(uow: UnitOfWork, campaign_id: str, desk: str | None = None) -> list[StockLevel]:
    """Per item of the campaign (its package and anything stocked): this desk unless told."""
    with uow.reading():
        desk = desk or desk_code(uow)
        campaign = uow.repo(Campaigns).get(campaign_id)
        if campaign is None:
            raise NotFound("aid.campaign_not_found", ref=campaign_id[:40])
        totals = uow.repo(Stock).totals(campaign_id, desk)
        moved = {i: m for i, (m, _) in totals.items() if m}
        out = {i: h for i, (_, h) in totals.items()}
        today = uow.repo(Handouts).handed_out(campaign_id, desk, local_date(uow.now()))
        ids = list(dict.fromkeys([p.item_id for p in campaign.package] + sorted(totals)))
        known = {i.id: i for i in uow.repo(Items).list()}
        result = []
        for item_id in ids:
            item = known.get(item_id)
            result.append(
                StockLevel(
                    item_id=item_id,
                    item_name=item.name if item else item_id[:8],
                    unit=item.unit if item else "",
                    moved_in=moved.get(item_id, 0),
                    handed_out=out.get(item_id, 0),
                    handed_out_today=today.get(item_id, 0),
                    left=moved.get(item_id, 0) - out.get(item_id, 0),
                )
            )
        return result


def rebuild_tallies(uow: UnitOfWork) -> None:
    """Recompute the derived per-desk totals from the events (after a bulk import, or to
    repair); levels read them instead of summing every handout."""
    with uow:
        uow.repo(Stock).rebuild_tallies()
        uow.commit()


def discrepancies(uow: UnitOfWork, campaign_id: str, desk: str | None = None) -> list[Discrepancy]:
    """Every blind count of the campaign (this desk's, or every desk's when ``desk='*'``)."""
    with uow.reading():
        which = None if desk == "*" else (desk or desk_code(uow))
        rows = uow.repo(Stock).counts_for(campaign_id, which)
        names = {i.id: i.name for i in uow.repo(Items).list()}
        return [
            Discrepancy(
                item_id=r.item_id,
                item_name=names.get(r.item_id, r.item_id[:8]),
                desk=r.desk,
                local_date=r.local_date,
                counted=r.counted,
                expected=r.expected,
                difference=r.counted - r.expected,
                device_time=r.device_time,
            )
            for r in rows
        ]


# --- records from other desks -------------------------------------------------------------


def _apply_move(uow: UnitOfWork, event: PulledEvent, move: StockReceived | StockAdjusted) -> None:
    if uow.repo(Stock).move(event.entity_id) is not None:
        return
    received = isinstance(move, StockReceived)
    _move(
        uow,
        event,
        move_id=event.entity_id,
        event_id=event.entity_id,
        campaign_id=move.campaign_id,
        item_id=move.item_id,
        desk=move.desk,
        kind="received" if received else "adjusted",
        quantity=move.quantity,
        at=event.device_time,
        day=move.local_date or local_day_of(event.device_time),
        source=move.source if isinstance(move, StockReceived) else "",
        note=move.note if isinstance(move, StockReceived) else move.reason,
    )


def _apply_transfer(uow: UnitOfWork, event: PulledEvent, transfer: StockTransferred) -> None:
    if uow.repo(Stock).moves_of_event(event.entity_id):
        return
    quantity = transfer.quantity
    common: dict[str, Any] = {
        "event_id": event.entity_id,
        "campaign_id": transfer.campaign_id,
        "item_id": transfer.item_id,
        "at": event.device_time,
        "day": transfer.local_date or local_day_of(event.device_time),
        "note": transfer.note,
    }

    _move(
        uow,
        event,
        move_id=event.entity_id,
        desk=transfer.from_desk,
        kind="transfer_out",
        quantity=-quantity,
        other_desk=transfer.to_desk,
        **common,
    )
    _move(
        uow,
        event,
        move_id=transfer.in_id,
        desk=transfer.to_desk,
        kind="transfer_in",
        quantity=quantity,
        other_desk=transfer.from_desk,
        **common,
    )


def _apply_count(uow: UnitOfWork, event: PulledEvent, count: StockCounted) -> None:
    if uow.repo(Stock).count_row(event.entity_id) is not None:
        return
    uow.repo(Stock).add_count(
        StockCountRow(
            id=event.entity_id,
            campaign_id=count.campaign_id,
            item_id=count.item_id,
            desk=count.desk,
            counted=count.counted,
            expected=count.expected,
            local_date=count.local_date or local_day_of(event.device_time),
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id,
            device_time=event.device_time,
        )
    )


APPLIERS: dict[EventKind[Any], Applier] = {
    STOCK_RECEIVED: _apply_move,
    STOCK_ADJUSTED: _apply_move,
    STOCK_TRANSFERRED: _apply_transfer,
    STOCK_COUNTED: _apply_count,
}
