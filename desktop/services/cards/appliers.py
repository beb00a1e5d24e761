"""Appliers of pulled card events (issued, printed, lost, replaced).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

from desktop.services.sync.replication import Applier, PulledEvent, optional_text_of, text_of
from desktop.storage.cards.repositories import Cards
from desktop.storage.cards.tables import CardEventRow, CardRow
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork

CARD_STATUS = {"lost": "lost", "replaced": "replaced"}


def _card(uow: UnitOfWork, event: PulledEvent) -> None:
    member_id = text_of(event.payload, "member_id", 36)
    serial = event.payload.get("serial")
    if (
        not member_id
        or not isinstance(serial, int)
        or uow.repo(MemberRepository).row(member_id) is None
    ):
        return
    kind = event.kind.split(".", 1)[1]
    card = uow.session.get(CardRow, event.entity_id)
    if card is None:
        card = CardRow(
            id=event.entity_id,
            member_id=member_id,
            serial=serial,
            device_code=text_of(event.payload, "device_code", 8),
            status="active",
            printed_count=0,
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id or "",
            device_time=event.device_time,
        )
        uow.repo(Cards).add(card)
    if kind in CARD_STATUS:
        card.status = CARD_STATUS[kind]
    elif kind in ("printed", "reprinted"):
        card.printed_count += 1
    if uow.session.get(CardEventRow, event.event_id) is None:
        uow.repo(Cards).add_event(
            CardEventRow(
                id=event.event_id,
                card_id=card.id,
                kind=kind,
                reason=optional_text_of(event.payload, "reason", 200),
                station_id=event.station_id,
                device_id=event.device_id,
                operator_id=event.operator_id or "",
                device_time=event.device_time,
            )
        )


APPLIERS: dict[str, Applier] = {
    "card.issued": _card,
    "card.printed": _card,
    "card.reprinted": _card,
    "card.lost": _card,
    "card.replaced": _card,
}
