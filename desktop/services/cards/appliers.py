"""Appliers of pulled card events (issued, printed, lost, replaced).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

from typing import Any

from desktop.services.sync.replication import Applier, PulledEvent
from desktop.storage.cards.repositories import Cards
from desktop.storage.cards.tables import CardEventRow, CardRow
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.cards import CARD_KINDS, CardPayload

CARD_STATUS = {"lost": "lost", "replaced": "replaced"}


def _card(uow: UnitOfWork, event: PulledEvent, payload: CardPayload) -> None:
    if uow.repo(MemberRepository).row(payload.member_id) is None:
        return
    kind = event.kind.split(".", 1)[1]
    card = uow.session.get(CardRow, event.entity_id)
    if card is None:
        card = CardRow(
            id=event.entity_id,
            member_id=payload.member_id,
            serial=payload.serial,
            device_code=payload.device_code,
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
                reason=payload.reason or None,
                station_id=event.station_id,
                device_id=event.device_id,
                operator_id=event.operator_id or "",
                device_time=event.device_time,
            )
        )


APPLIERS: dict[EventKind[Any], Applier] = dict.fromkeys(CARD_KINDS, _card)
