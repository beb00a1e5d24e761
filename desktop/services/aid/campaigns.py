"""Aid items and campaigns: create, edit (versioned), find by name; apply pulled ones."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from desktop.domain.aid import PROOFS, Campaign, Item, PackageLine
from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, Role
from desktop.services.desk.operators import require_role
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.storage.aid.repositories import (
    Campaigns,
    Items,
    is_central,
    to_campaign,
    to_item,
    unpushed,
)
from desktop.storage.aid.tables import AidItemRow, CampaignRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import SERVER_DEVICE_ID, EventKind
from sync.protocol.events.aid import (
    CAMPAIGN_CREATED,
    CAMPAIGN_UPDATED,
    ITEM_CREATED,
    CampaignRules,
    ItemPayload,
)

NAME_MAX, UNIT_MAX = 40, 10
CAMPAIGN_NAME_MAX = 60
QUANTITY_MAX = 100_000


def clean_text(text: str, field: str, maximum: int, code: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(f"{code}_empty", field=field)
    if len(text) > maximum:
        raise InvalidInput(f"{code}_too_long", field=field, max=maximum)
    return text


def clean_quantity(value: int, field: str = "quantity", allow_negative: bool = False) -> int:
    if allow_negative and value != 0 and abs(value) <= QUANTITY_MAX:
        return value
    if not 1 <= value <= QUANTITY_MAX:
        raise InvalidInput("aid.quantity_range", field=field, max=QUANTITY_MAX)
    return value


def clean_day(text: str, field: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise InvalidInput("aid.bad_date", field=field, text=text.strip()[:20]) from None


# --- items ------------------------------------------------------------------------------


def create_item(name: str, unit: str, uow: UnitOfWork, ctx: DeskContext) -> Item:
    require_role(ctx, Role.LEAD)
    name = clean_text(name, "name", NAME_MAX, "aid.item_name")
    unit = clean_text(unit, "unit", UNIT_MAX, "aid.item_unit")
    with uow:
        if uow.repo(Items).by_name(name) is not None:
            raise RuleViolation("aid.item_exists", name=name)
        at = to_iso(uow.now())
        row = AidItemRow(
            id=new_id(),
            name=name,
            unit=unit,
            version=1,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            operator_id=ctx.operator_id,
            device_time=at,
        )
        uow.repo(Items).add(row)
        uow.outbox.append(
            ITEM_CREATED, row.id, ItemPayload(name=name, unit=unit, version=1), ctx, at
        )
        uow.commit()
        return to_item(row)


def list_items(uow: UnitOfWork) -> list[Item]:
    with uow.reading():
        return uow.repo(Items).list()


def find_item(uow: UnitOfWork, ref: str) -> Item:
    """An item by id or exact name."""
    text = " ".join(ref.split())
    with uow.reading():
        row = uow.repo(Items).row(text) or uow.repo(Items).by_name(text)
        if row is None:
            raise NotFound("aid.item_not_found", ref=text[:40])
        return to_item(row)


# --- campaigns --------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignForm:
    name: str
    starts_on: str
    ends_on: str
    package: tuple[tuple[str, int], ...] = ()  # (item id, quantity)
    tags: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    max_per_person: int | None = None
    min_interval_minutes: int | None = None
    max_per_day: int | None = None
    not_combinable_with: tuple[str, ...] = ()  # campaign ids
    proof: str = "none"
    stations: tuple[str, ...] = ()
    refuse_when_out: bool = False  # beyond this desk's stock: refused, not asked
    active: bool = True


def _campaign_from_form(campaign_id: str, form: CampaignForm, uow: UnitOfWork) -> Campaign:
    name = clean_text(form.name, "name", CAMPAIGN_NAME_MAX, "aid.campaign_name")
    starts_on = clean_day(form.starts_on, "starts_on")
    ends_on = clean_day(form.ends_on, "ends_on")
    if ends_on < starts_on:
        raise InvalidInput("aid.dates_reversed", field="ends_on")
    package: dict[str, int] = {}
    for item_id, quantity in form.package:
        if uow.repo(Items).row(item_id) is None:
            raise NotFound("aid.item_not_found", ref=item_id[:40])
        package[item_id] = package.get(item_id, 0) + clean_quantity(quantity)
    if not package:
        raise InvalidInput("aid.package_empty", field="package")
    for field, value in (
        ("max_per_person", form.max_per_person),
        ("min_interval_minutes", form.min_interval_minutes),
        ("max_per_day", form.max_per_day),
    ):
        if value is not None and not 1 <= value <= 10**7:
            raise InvalidInput("aid.rule_range", field=field)
    for other in form.not_combinable_with:
        if other == campaign_id or uow.repo(Campaigns).row(other) is None:
            raise NotFound("aid.campaign_not_found", ref=other[:40])
    if form.proof not in PROOFS:
        raise InvalidInput("aid.bad_proof", field="proof")
    return Campaign(
        id=campaign_id,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        package=tuple(PackageLine(i, q) for i, q in package.items()),
        stations=tuple(dict.fromkeys(form.stations)),
        tags=tuple(dict.fromkeys(t.strip() for t in form.tags if t.strip())),
        occupations=tuple(dict.fromkeys(o.strip() for o in form.occupations if o.strip())),
        max_per_person=form.max_per_person,
        min_interval_minutes=form.min_interval_minutes,
        max_per_day=form.max_per_day,
        not_combinable_with=tuple(dict.fromkeys(form.not_combinable_with)),
        proof=form.proof,
        refuse_when_out=form.refuse_when_out,
        active=form.active,
    )


def create_campaign(form: CampaignForm, uow: UnitOfWork, ctx: DeskContext) -> Campaign:
    require_role(ctx, Role.LEAD)
    with uow:
        campaign = _campaign_from_form(new_id(), form, uow)
        at = to_iso(uow.now())
        uow.repo(Campaigns).add(
            CampaignRow(
                id=campaign.id,
                name=campaign.name,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                rules=json.dumps(campaign.rules(), ensure_ascii=False),
                active=campaign.active,
                version=1,
                station_id=ctx.station_id,
                device_id=ctx.device_id,
                operator_id=ctx.operator_id,
                device_time=at,
            )
        )
        uow.outbox.append(
            CAMPAIGN_CREATED, campaign.id, CAMPAIGN_CREATED.decode(campaign.rules()), ctx, at
        )
        uow.commit()
        return campaign


def update_campaign(
    campaign_id: str, form: CampaignForm, version: int, uow: UnitOfWork, ctx: DeskContext
) -> Campaign:
    """Save a new version of the campaign (refused when someone saved one meanwhile)."""
    require_role(ctx, Role.LEAD)
    with uow:
        row = uow.repo(Campaigns).row(campaign_id)
        if row is None:
            raise NotFound("aid.campaign_not_found", ref=campaign_id[:40])
        if is_central(row):  # HQ's rules are the same at every station: HQ changes them
            raise RuleViolation("aid.campaign_central", name=row.name)
        if row.version != version:
            raise RuleViolation("aid.campaign_changed")
        campaign = replace(_campaign_from_form(campaign_id, form, uow), version=row.version + 1)
        at = to_iso(uow.now())
        _store(row, campaign)
        uow.outbox.append(
            CAMPAIGN_UPDATED, campaign.id, CAMPAIGN_UPDATED.decode(campaign.rules()), ctx, at
        )
        uow.commit()
        return campaign


def form_of(campaign: Campaign) -> CampaignForm:
    """The form that saves ``campaign`` as it is (to change a field or two)."""
    return CampaignForm(
        name=campaign.name,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        package=tuple((p.item_id, p.quantity) for p in campaign.package),
        tags=campaign.tags,
        occupations=campaign.occupations,
        max_per_person=campaign.max_per_person,
        min_interval_minutes=campaign.min_interval_minutes,
        max_per_day=campaign.max_per_day,
        not_combinable_with=campaign.not_combinable_with,
        proof=campaign.proof,
        stations=campaign.stations,
        refuse_when_out=campaign.refuse_when_out,
        active=campaign.active,
    )


def close_campaign(campaign_id: str, uow: UnitOfWork, ctx: DeskContext) -> Campaign:
    """No more handouts (a new version, synced to every desk); its records stay."""
    with uow.reading():
        campaign = uow.repo(Campaigns).get(campaign_id)
    if campaign is None:
        raise NotFound("aid.campaign_not_found", ref=campaign_id[:40])
    return update_campaign(
        campaign_id, replace(form_of(campaign), active=False), campaign.version, uow, ctx
    )


def _store(row: CampaignRow, campaign: Campaign) -> None:
    row.name = campaign.name
    row.starts_on = campaign.starts_on
    row.ends_on = campaign.ends_on
    row.rules = json.dumps(campaign.rules(), ensure_ascii=False)
    row.active = campaign.active
    row.version = campaign.version


def list_campaigns(
    uow: UnitOfWork, include_closed: bool = True, station_id: str | None = None
) -> list[Campaign]:
    """Every campaign; with ``station_id``, only those that station takes part in (what a
    desk offers: a campaign HQ sent to other stations does not appear)."""
    with uow.reading():
        return uow.repo(Campaigns).list(include_closed, station_id)


def find_campaign(uow: UnitOfWork, ref: str) -> Campaign:
    """A campaign by id, exact name, or the only one whose name starts with ``ref``."""
    text = " ".join(ref.split())
    if not text:
        raise InvalidInput("aid.campaign_ref_empty", field="campaign")
    with uow.reading():
        row = uow.repo(Campaigns).row(text)
        if row is not None:
            return to_campaign(row)
        named = uow.repo(Campaigns).by_name(text)
        if len(named) == 1:
            return to_campaign(named[0])
        if len(named) > 1:
            raise RuleViolation("aid.campaign_ambiguous", ref=text[:40])
        starting = [c for c in uow.repo(Campaigns).list() if c.name.startswith(text)]
        if len(starting) == 1:
            return starting[0]
        if len(starting) > 1:
            raise RuleViolation("aid.campaign_ambiguous", ref=text[:40])
    raise NotFound("aid.campaign_not_found", ref=text[:40])


# --- records from other desks -------------------------------------------------------------


def _apply_item(uow: UnitOfWork, event: PulledEvent, item: ItemPayload) -> None:
    row = uow.repo(Items).row(event.entity_id)
    version = item.version
    if row is None:
        uow.repo(Items).add(
            AidItemRow(
                id=event.entity_id,
                name=item.name,
                unit=item.unit,
                version=version,
                station_id=event.station_id,
                device_id=event.device_id,
                operator_id=event.operator_id,
                device_time=event.device_time,
            )
        )
    elif is_central(row) and event.device_id != SERVER_DEVICE_ID:
        return  # HQ's item: only HQ redefines it (the server refuses such a push too)
    elif version > row.version and not unpushed(uow.session, row.id):
        row.name, row.unit, row.version = item.name, item.unit, version


def _apply_campaign(uow: UnitOfWork, event: PulledEvent, rules: CampaignRules) -> None:
    campaign = Campaign(
        id=event.entity_id,
        name=rules.name,
        starts_on=rules.starts_on,
        ends_on=rules.ends_on,
        package=tuple(PackageLine(line.item_id, line.quantity) for line in rules.package),
        stations=rules.stations,
        tags=rules.tags,
        occupations=rules.occupations,
        max_per_person=rules.max_per_person,
        min_interval_minutes=rules.min_interval_minutes,
        max_per_day=rules.max_per_day,
        not_combinable_with=rules.not_combinable_with,
        proof=rules.proof,
        refuse_when_out=rules.refuse_when_out,
        active=rules.active,
        version=rules.version,
    )
    row = uow.repo(Campaigns).row(event.entity_id)
    if row is None:
        row = CampaignRow(
            id=campaign.id,
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id,
            device_time=event.device_time,
        )
        _store(row, campaign)
        uow.repo(Campaigns).add(row)
    elif is_central(row) and event.device_id != SERVER_DEVICE_ID:
        return  # HQ's campaign: only HQ redefines it (the server refuses such a push too)
    elif campaign.version > row.version and not unpushed(uow.session, row.id):
        _store(row, campaign)


APPLIERS: dict[EventKind[Any], Applier] = {
    ITEM_CREATED: _apply_item,
    CAMPAIGN_CREATED: _apply_campaign,
    CAMPAIGN_UPDATED: _apply_campaign,
}
