"""The handout desk: what a person may receive, hand it out (or refuse, or override), void.

The rules (desktop.domain.aid) are checked against everything this desk knows: its own
handouts and those pulled from other desks. A refusal is recorded too (for the report) and
raised as ``HandoutRefused`` with the rule's code; a station lead's PIN and a reason
override it, and the override is part of the handout record.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from desktop.domain.aid import (
    Campaign,
    PriorHandout,
    Recipient,
    Refusal,
    Shortage,
    first_refusal,
    remaining,
    shortages,
    stock_refusal,
)
from desktop.domain.clock import from_iso, local_date, local_day_of, to_iso
from desktop.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, Member, Operator, Role
from desktop.services.aid.campaigns import clean_quantity
from desktop.services.aid.stock import StockLevel, desk_code, levels
from desktop.services.desk.operators import MAX_FAILED_SIGN_INS, SIGN_IN_PAUSE, pin_matches
from desktop.services.members.commands import resolve_member
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.storage.aid.repositories import Campaigns, Handouts, Items, Stock
from desktop.storage.aid.tables import HandoutRefusalRow, HandoutRow, HandoutVoidRow
from desktop.storage.desk.repositories import to_operator
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.aid import (
    HANDOUT_RECORDED,
    HANDOUT_REFUSED,
    HANDOUT_VOIDED,
    HandoutLimits,
    HandoutOverride,
    HandoutRecorded,
    HandoutVoided,
    ItemLine,
)
from sync.protocol.events.aid import HandoutRefused as RefusalPayload

REASON_MAX = 200
OVERRIDE_PIN_WRONG = "override_pin_wrong"  # audit action of a wrong lead PIN
# A signature drawn on screen is a 1-bit PNG in base64 (about 2 KB); the cap keeps a push
# batch of 500 handouts well under the server's 4 MB body limit.
PROOF_MAX = 6_000


class HandoutRefused(RuleViolation):
    """The campaign's rules refuse this handout; ``refusal`` says which and why."""

    def __init__(self, refusal: Refusal, member: Member, refusal_id: str) -> None:
        super().__init__(f"aid.refused.{refusal.code.value}", name=member.name, **refusal.params)
        self.refusal = refusal
        self.member = member
        self.refusal_id = refusal_id


@dataclass(frozen=True)
class HandoutLine:
    item_id: str
    item_name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class HandoutRecord:
    """One handout as the desk shows it: when, where, by whom, what, and what became of it."""

    id: str
    campaign_id: str
    member_id: str
    member_number: str
    device_time: str
    local_date: str
    desk: str
    operator_name: str
    lines: tuple[HandoutLine, ...]
    member_name: str = ""  # empty when the member is not known at this desk
    collector_id: str | None = None
    overridden: str | None = None
    override_by_name: str | None = None
    override_reason: str | None = None
    voided: bool = False
    void_reason: str | None = None
    pulled: bool = False


@dataclass(frozen=True)
class AidStatus:
    """What the screen shows at once for a person in a campaign."""

    member: Member
    campaign: Campaign
    refusal: Refusal | None
    history: tuple[HandoutRecord, ...]  # in this campaign, voided ones too
    remaining: int | None  # handouts left; None: no per-person limit
    package: tuple[HandoutLine, ...]  # what Enter hands out
    # Items of the package this desk keeps stock of and has fewer of than the package
    # needs (quantity: what is left): the desk asks before handing out beyond its stock,
    # or refuses (``refusal`` out_of_stock) when the campaign says so.
    short: tuple[HandoutLine, ...] = ()


@dataclass(frozen=True)
class HandOut:
    campaign_id: str
    member_ref: str = ""  # card text, member number, full phone or id
    member_id: str = ""  # when the desk already picked the member
    items: tuple[tuple[str, int], ...] = ()  # empty: the campaign's default package
    collector_ref: str = ""  # 代领: the member who collects on the recipient's behalf
    collector_id: str = ""
    override_pin: str = ""  # a station lead's PIN ...
    override_reason: str = ""  # ... and the reason, to override a refusal
    proof: str = ""  # typed confirmation code, or a signature PNG in base64


@dataclass(frozen=True)
class HandoutResult:
    record: HandoutRecord
    member: Member
    collector: Member | None
    status: AidStatus  # after this handout


def _member(uow: UnitOfWork, member_id: str, ref: str) -> Member:
    if member_id:
        with uow.reading():
            found = uow.repo(MemberRepository).get(member_id)
        if found is None:
            raise NotFound("member.not_found", ref=member_id[:40])
        return found
    return resolve_member(uow, ref)


def _campaign(uow: UnitOfWork, campaign_id: str) -> Campaign:
    campaign = uow.repo(Campaigns).get(campaign_id)
    if campaign is None:
        raise NotFound("aid.campaign_not_found", ref=campaign_id[:40])
    return campaign


Units = dict[str, tuple[str, str]]  # item id -> (name, unit)


def _units(uow: UnitOfWork) -> Units:
    """Every item's name and unit, read once per use case (a campaign has a handful)."""
    return {i.id: (i.name, i.unit) for i in uow.repo(Items).list()}


def _lines(units: Units, items: list[tuple[str, int]]) -> tuple[HandoutLine, ...]:
    return tuple(
        HandoutLine(item_id, *units.get(item_id, (item_id[:8], "")), quantity)
        for item_id, quantity in items
    )


def _record(
    units: Units, row: HandoutRow, void: HandoutVoidRow | None, member_name: str = ""
) -> HandoutRecord:
    items = [(str(i["item_id"]), int(i["quantity"])) for i in json.loads(row.items)]
    return HandoutRecord(
        id=row.id,
        campaign_id=row.campaign_id,
        member_id=row.member_id,
        member_number=row.member_number,
        device_time=row.device_time,
        local_date=row.local_date,
        desk=row.desk,
        operator_name=row.operator_name,
        lines=_lines(units, items),
        member_name=member_name,
        collector_id=row.collector_id,
        overridden=row.overridden,
        override_by_name=row.override_by_name,
        override_reason=row.override_reason,
        voided=void is not None,
        void_reason=None if void is None else void.reason,
        pulled=row.pulled,
    )


def _short(
    uow: UnitOfWork, campaign: Campaign, desk: str, units: Units, wanted: list[tuple[str, int]]
) -> list[Shortage]:
    """What this desk has fewer of than ``wanted``: its derived totals (one small read).
    Stock is this desk's own: the rule is applied where the handout is made, and neither
    the server nor another desk judges it again (each desk's shelf is its own)."""
    totals = uow.repo(Stock).totals(campaign.id, desk)
    held = [
        StockLevel(i, *units.get(i, (i[:8], "")), moved, out, 0, moved - out)
        for i, (moved, out) in ((i, totals.get(i, (0, 0))) for i in dict(wanted))
    ]
    return shortages(wanted, held, strict=campaign.refuse_when_out)


def _status(
    uow: UnitOfWork,
    campaign: Campaign,
    member: Member,
    ctx: DeskContext,
    units: Units,
    history: list[tuple[HandoutRow, HandoutVoidRow | None]] | None = None,
    wanted: list[tuple[str, int]] | None = None,
    desk: str = "",
) -> AidStatus:
    """Inside an open transaction: the person's rules first, then this desk's stock of
    ``wanted`` (the default package unless told)."""
    ids = [campaign.id, *campaign.not_combinable_with]
    if history is None:
        history = uow.repo(Handouts).history(member.id, ids)
    prior = [
        PriorHandout(h.campaign_id, h.device_time, h.local_date) for h, v in history if v is None
    ]
    now = uow.now()
    if wanted is None:
        wanted = [(p.item_id, p.quantity) for p in campaign.package]
    short = _short(uow, campaign, desk or desk_code(uow), units, wanted)
    refusal = first_refusal(
        campaign,
        Recipient(tags=member.tags, occupation=member.occupation),
        prior,
        now=now,
        today=local_date(now),
        station_id=ctx.station_id,
        names=uow.repo(Campaigns).names(campaign.not_combinable_with)
        if campaign.not_combinable_with
        else {},
    ) or stock_refusal(campaign, short)
    shown = tuple(
        _record(units, h, v, member.name) for h, v in history if h.campaign_id == campaign.id
    )
    package = _lines(units, [(p.item_id, p.quantity) for p in campaign.package])
    return AidStatus(
        member,
        campaign,
        refusal,
        shown,
        remaining(campaign, prior),
        package,
        tuple(HandoutLine(x.item_id, x.item_name, x.unit, x.left) for x in short),
    )


def status(uow: UnitOfWork, campaign_id: str, member: Member, ctx: DeskContext) -> AidStatus:
    """Eligible or not and why, what was received (when, where, by whom), what may be now."""
    with uow.reading():
        return _status(uow, _campaign(uow, campaign_id), member, ctx, _units(uow))


def status_for(uow: UnitOfWork, campaign_id: str, ref: str, ctx: DeskContext) -> AidStatus:
    return status(uow, campaign_id, resolve_member(uow, ref), ctx)


def _lead_by_pin(uow: UnitOfWork, pin: str, ctx: DeskContext, member: Member) -> Operator:
    """The active station lead (or admin) whose PIN this is. A wrong PIN is audited; after
    a few in a row the desk waits before trying again, as at sign-in."""
    now = uow.now()
    with uow.reading():
        failures = uow.repo(Handouts).override_failures_since(
            ctx.operator_id, to_iso(now - SIGN_IN_PAUSE)
        )
        if len(failures) >= MAX_FAILED_SIGN_INS:
            wait = SIGN_IN_PAUSE - (now - from_iso(failures[-1]))
            raise PermissionDenied("auth.paused", minutes=max(1, math.ceil(wait.seconds / 60)))
        for operator in uow.operators.list():
            if not operator.role.at_least(Role.LEAD):
                continue
            row = uow.operators.row(operator.id)
            if row is not None and pin_matches(row.pin_hash, pin):
                return to_operator(row)
    with uow:
        uow.audit.record(OVERRIDE_PIN_WRONG, ctx.operator_id, to_iso(now), member=member.id)
        uow.commit()
    raise PermissionDenied("aid.override_pin_wrong")


def _clean_reason(text: str, code: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(code, field="reason")
    if len(text) > REASON_MAX:
        raise InvalidInput("aid.reason_too_long", field="reason", max=REASON_MAX)
    return text


def hand_out(command: HandOut, uow: UnitOfWork, ctx: DeskContext) -> HandoutResult:
    member = _member(uow, command.member_id, command.member_ref)
    if not member.active:
        raise RuleViolation(
            "member.deactivated", name=member.name, reason=member.deactivated_reason or ""
        )
    collector = None
    if command.collector_id or command.collector_ref.strip():
        collector = _member(uow, command.collector_id, command.collector_ref)
        if collector.id == member.id:
            collector = None
    lead = None
    reason = ""
    if command.override_pin or command.override_reason.strip():
        reason = _clean_reason(command.override_reason, "aid.override_reason_required")
        lead = _lead_by_pin(uow, command.override_pin, ctx, member)
    with uow:
        campaign = _campaign(uow, command.campaign_id)
        wanted = list(command.items) or [(p.item_id, p.quantity) for p in campaign.package]
        units = _units(uow)
        items: dict[str, int] = {}
        for item_id, quantity in wanted:
            if item_id not in units:
                raise NotFound("aid.item_not_found", ref=item_id[:40])
            items[item_id] = items.get(item_id, 0) + clean_quantity(quantity)
        proof = _proof(campaign, command.proof)
        now = uow.now()
        at, day, desk = to_iso(now), local_date(now), desk_code(uow)
        history = uow.repo(Handouts).history(
            member.id, [campaign.id, *campaign.not_combinable_with]
        )
        before = _status(uow, campaign, member, ctx, units, history, list(items.items()), desk)
        refusal = before.refusal
        if refusal is not None and lead is None:
            refusal_id = _refuse(uow, ctx, campaign, member, refusal, desk, at, day)
            uow.commit()
            raise HandoutRefused(refusal, member, refusal_id)
        operator = uow.operators.row(ctx.operator_id)
        row = HandoutRow(
            id=new_id(),
            campaign_id=campaign.id,
            member_id=member.id,
            member_number=member.member_number,
            collector_id=None if collector is None else collector.id,
            items=json.dumps([{"item_id": i, "quantity": q} for i, q in items.items()]),
            desk=desk,
            operator_name=operator.name if operator else "",
            local_date=day,
            overridden=None if refusal is None else refusal.code.value,
            override_by=None if refusal is None or lead is None else lead.id,
            override_by_name=None if refusal is None or lead is None else lead.name,
            override_reason=None if refusal is None else reason,
            proof=proof,
            pulled=False,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            operator_id=ctx.operator_id,
            device_time=at,
        )
        uow.repo(Handouts).add(row, list(items.items()))
        if lead is not None and refusal is not None:
            uow.audit.record("handout_override", ctx.operator_id, at, handout=row.id, lead=lead.id)
        uow.outbox.append(HANDOUT_RECORDED, row.id, _payload(row, campaign, collector), ctx, at)
        after = _status(uow, campaign, member, ctx, units, [*history, (row, None)], desk=desk)
        record = _record(units, row, None, member.name)
        uow.commit()
        return HandoutResult(record, member, collector, after)


def _proof(campaign: Campaign, text: str) -> str | None:
    text = text.strip()
    if campaign.proof == "none":
        return None
    if not text:
        raise InvalidInput(f"aid.proof_required_{campaign.proof}", field="proof")
    if len(text) > PROOF_MAX:
        raise InvalidInput("aid.proof_too_long", field="proof")
    return f"{campaign.proof}:{text}"


def _payload(row: HandoutRow, campaign: Campaign, collector: Member | None) -> HandoutRecorded:
    """Self-contained: another desk rebuilds the handout, the server checks the limits."""
    return HandoutRecorded(
        campaign_id=row.campaign_id,
        campaign_name=campaign.name,
        campaign_version=campaign.version,
        limits=HandoutLimits(
            max_per_person=campaign.max_per_person,
            max_per_day=campaign.max_per_day,
            min_interval_minutes=campaign.min_interval_minutes,
            not_combinable_with=campaign.not_combinable_with,
        ),
        member_id=row.member_id,
        member_number=row.member_number,
        collector_id=row.collector_id,
        collector_number=None if collector is None else collector.member_number,
        items=tuple(
            ItemLine(item_id=str(i["item_id"]), quantity=int(i["quantity"]))
            for i in json.loads(row.items)
        ),
        desk=row.desk,
        operator_name=row.operator_name,
        local_date=row.local_date,
        override=None
        if row.overridden is None
        else HandoutOverride(
            refusal=row.overridden,
            by=row.override_by,
            by_name=row.override_by_name,
            reason=row.override_reason,
        ),
        proof=row.proof,
    )


def _refuse(
    uow: UnitOfWork,
    ctx: DeskContext,
    campaign: Campaign,
    member: Member,
    refusal: Refusal,
    desk: str,
    at: str,
    day: str,
) -> str:
    row = HandoutRefusalRow(
        id=new_id(),
        campaign_id=campaign.id,
        member_id=member.id,
        code=refusal.code.value,
        desk=desk,
        local_date=day,
        station_id=ctx.station_id,
        device_id=ctx.device_id,
        operator_id=ctx.operator_id,
        device_time=at,
    )
    uow.repo(Handouts).add_refusal(row)
    payload = RefusalPayload(
        campaign_id=campaign.id, member_id=member.id, code=row.code, desk=desk, local_date=day
    )
    uow.outbox.append(HANDOUT_REFUSED, row.id, payload, ctx, at)
    return row.id


def void_handout(handout_id: str, reason: str, uow: UnitOfWork, ctx: DeskContext) -> str:
    """Void a mistaken handout with a reason: its stock returns; the handout itself stays."""
    reason = _clean_reason(reason, "aid.reason_required")
    with uow:
        row = uow.repo(Handouts).row(handout_id.strip())
        if row is None:
            raise NotFound("aid.handout_not_found", ref=handout_id.strip()[:40])
        if uow.repo(Handouts).void_of(row.id) is not None:
            raise RuleViolation("aid.handout_already_voided")
        at = to_iso(uow.now())
        void = HandoutVoidRow(
            id=new_id(),
            handout_id=row.id,
            reason=reason,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            operator_id=ctx.operator_id,
            device_time=at,
        )
        uow.repo(Handouts).add_void(void)
        payload = HandoutVoided(
            handout_id=row.id,
            campaign_id=row.campaign_id,
            member_id=row.member_id,
            desk=row.desk,
            reason=reason,
        )
        uow.outbox.append(HANDOUT_VOIDED, void.id, payload, ctx, at)
        uow.commit()
        return void.id


@dataclass(frozen=True)
class DeskCounters:
    """Live figures of this desk in a campaign today."""

    desk: str
    day: str
    people_today: int
    handed_today: tuple[HandoutLine, ...]  # per item
    left: tuple[HandoutLine, ...]  # stock left per item


def counters(uow: UnitOfWork, campaign_id: str) -> DeskCounters:
    found = levels(uow, campaign_id)
    with uow.reading():
        desk = desk_code(uow)
        day = local_date(uow.now())
        people = uow.repo(Handouts).people_served(campaign_id, desk, day)
    return DeskCounters(
        desk=desk,
        day=day,
        people_today=people,
        handed_today=tuple(
            HandoutLine(s.item_id, s.item_name, s.unit, s.handed_out_today) for s in found
        ),
        left=tuple(HandoutLine(s.item_id, s.item_name, s.unit, s.left) for s in found),
    )


def recent(uow: UnitOfWork, campaign_id: str, limit: int = 30) -> list[HandoutRecord]:
    """This desk's latest handouts in the campaign, newest first."""
    with uow.reading():
        desk = desk_code(uow)
        found = uow.repo(Handouts).recent(campaign_id, desk, limit)
        units = _units(uow)
        names = {
            m.id: m.name for m in uow.repo(MemberRepository).many([h.member_id for h, _ in found])
        }
        return [_record(units, h, v, names.get(h.member_id, "")) for h, v in found]


# --- records from other desks -------------------------------------------------------------


def _apply_handout(uow: UnitOfWork, event: PulledEvent, handout: HandoutRecorded) -> None:
    if uow.repo(Handouts).row(event.entity_id) is not None:
        return
    override = handout.override
    items = [(line.item_id, line.quantity) for line in handout.items]
    row = HandoutRow(
        id=event.entity_id,
        campaign_id=handout.campaign_id,
        member_id=handout.member_id,
        member_number=handout.member_number,
        collector_id=handout.collector_id,
        items=json.dumps([{"item_id": i, "quantity": q} for i, q in items]),
        desk=handout.desk,
        operator_name=handout.operator_name,
        local_date=handout.local_date or local_day_of(event.device_time),
        overridden=override.refusal if override else None,
        override_by=override.by if override else None,
        override_by_name=override.by_name if override else None,
        override_reason=override.reason if override else None,
        proof=handout.proof,
        pulled=True,
        station_id=event.station_id,
        device_id=event.device_id,
        operator_id=event.operator_id,
        device_time=event.device_time,
    )
    uow.repo(Handouts).add(row, items)


def _apply_void(uow: UnitOfWork, event: PulledEvent, void: HandoutVoided) -> None:
    handout_id = void.handout_id
    if (
        uow.repo(Handouts).void(event.entity_id) is not None
        or uow.repo(Handouts).row(handout_id) is None
    ):
        return
    if uow.repo(Handouts).void_of(handout_id) is not None:
        return  # voided here too, meanwhile: one void is enough
    uow.repo(Handouts).add_void(
        HandoutVoidRow(
            id=event.entity_id,
            handout_id=handout_id,
            reason=void.reason,
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id,
            device_time=event.device_time,
        )
    )


def _apply_refusal(uow: UnitOfWork, event: PulledEvent, refusal: RefusalPayload) -> None:
    if uow.repo(Handouts).refusal(event.entity_id) is not None:
        return
    uow.repo(Handouts).add_refusal(
        HandoutRefusalRow(
            id=event.entity_id,
            campaign_id=refusal.campaign_id,
            member_id=refusal.member_id,
            code=refusal.code,
            desk=refusal.desk,
            local_date=refusal.local_date or local_day_of(event.device_time),
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id,
            device_time=event.device_time,
        )
    )


APPLIERS: dict[EventKind[Any], Applier] = {
    HANDOUT_RECORDED: _apply_handout,
    HANDOUT_VOIDED: _apply_void,
    HANDOUT_REFUSED: _apply_refusal,
}
