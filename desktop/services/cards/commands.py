"""Member cards: the card to print (serial 1, or a reprint of the same serial with a reason),
report a card lost (its serial is blocked), reissue (the next serial). Every step is an
event in the outbox, so lost cards are blocked at every desk once synced."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.clock import from_iso, local_date, to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, Member
from desktop.identity.keys import DeviceKeys
from desktop.identity.tokens import sign_card
from desktop.storage.cards.repositories import Cards
from desktop.storage.cards.tables import CardEventRow, CardRow
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from sync.protocol.events.cards import (
    CARD_ISSUED,
    CARD_LOST,
    CARD_PRINTED,
    CARD_REPLACED,
    CARD_REPRINTED,
    CardPayload,
)

CARD_KIND = {
    "issued": CARD_ISSUED,
    "printed": CARD_PRINTED,
    "reprinted": CARD_REPRINTED,
    "lost": CARD_LOST,
    "replaced": CARD_REPLACED,
}

REASON_MAX = 200


@dataclass(frozen=True)
class CardToPrint:
    member: Member
    serial: int
    device_code: str
    issued_on: str  # the station's calendar day the serial was issued, YYYY-MM-DD
    qr_text: str
    reprint: bool


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise InvalidInput("card.reason_too_long", field="reason", max=REASON_MAX)
    return reason


def _event(uow: UnitOfWork, ctx: DeskContext, card: CardRow, kind: str, reason: str) -> None:
    at = to_iso(uow.now())
    uow.repo(Cards).add_event(
        CardEventRow(
            id=new_id(),
            card_id=card.id,
            kind=kind,
            reason=reason or None,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            operator_id=ctx.operator_id,
            device_time=at,
        )
    )
    payload = CardPayload(
        member_id=card.member_id,
        serial=card.serial,
        device_code=card.device_code,
        reason=reason or None,
    )
    uow.outbox.append(CARD_KIND[kind], card.id, payload, ctx, at)


def _new_card(uow: UnitOfWork, ctx: DeskContext, member_id: str, device_code: str) -> CardRow:
    serial = max((c.serial for c in uow.repo(Cards).of_member(member_id)), default=0) + 1
    card = CardRow(
        id=new_id(),
        member_id=member_id,
        serial=serial,
        device_code=device_code,
        status="active",
        printed_count=0,
        station_id=ctx.station_id,
        device_id=ctx.device_id,
        operator_id=ctx.operator_id,
        device_time=to_iso(uow.now()),
    )
    uow.repo(Cards).add(card)
    _event(uow, ctx, card, "issued", "")
    return card


def card_to_print(
    member_id: str, uow: UnitOfWork, ctx: DeskContext, keys: DeviceKeys, reprint_reason: str = ""
) -> CardToPrint:
    """The member's current card, signed for printing; a second print needs a reason."""
    reason = _clean_reason(reprint_reason)
    with uow:
        member = uow.repo(MemberRepository).get(member_id)
        if member is None:
            raise NotFound("member.not_found", ref=member_id)
        if not member.active:
            raise RuleViolation(
                "member.deactivated", name=member.name, reason=member.deactivated_reason or ""
            )
        device = uow.device.get()
        assert device is not None
        card = uow.repo(Cards).current(member_id) or _new_card(uow, ctx, member_id, device.code)
        if card.device_code != device.code:
            raise RuleViolation("card.other_device", device=card.device_code)
        reprint = card.printed_count > 0
        if reprint and not reason:
            raise InvalidInput("card.reprint_reason", field="reason")
        card.printed_count += 1
        _event(uow, ctx, card, "reprinted" if reprint else "printed", reason if reprint else "")
        uow.commit()
        return CardToPrint(
            member=member,
            serial=card.serial,
            device_code=card.device_code,
            issued_on=local_date(from_iso(card.device_time)),
            qr_text=sign_card(member.id, card.serial, card.device_code, keys.private_key),
            reprint=reprint,
        )


def report_lost(member_id: str, reason: str, uow: UnitOfWork, ctx: DeskContext) -> int:
    """Block the member's current card; returns its serial."""
    reason = _clean_reason(reason)
    with uow:
        card = uow.repo(Cards).current(member_id)
        if card is None:
            raise NotFound("card.none")
        card.status = "lost"
        _event(uow, ctx, card, "lost", reason)
        uow.commit()
        return card.serial


def reissue(member_id: str, uow: UnitOfWork, ctx: DeskContext) -> int:
    """A new card with the next serial; the current one (if any) is blocked as replaced."""
    with uow:
        member = uow.repo(MemberRepository).get(member_id)
        if member is None:
            raise NotFound("member.not_found", ref=member_id)
        device = uow.device.get()
        assert device is not None
        current = uow.repo(Cards).current(member_id)
        if current is not None:
            current.status = "replaced"
            _event(uow, ctx, current, "replaced", "")
        card = _new_card(uow, ctx, member_id, device.code)
        uow.commit()
        return card.serial


def unprinted_member_ids(uow: UnitOfWork, limit: int | None = None) -> list[str]:
    """Active members who have never had a card printed, oldest registration first."""
    with uow.reading():
        return uow.repo(Cards).members_without_printed_card(limit)
