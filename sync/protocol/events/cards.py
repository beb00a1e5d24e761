"""Member cards: each step of a card (entity id: the card's id) carries the card whole, so a
desk that missed the first step still rebuilds it; lost and replaced cards are blocked."""

from __future__ import annotations

from sync.protocol.contract import Author, DeviceCode, Id, Payload, Serial, Text200, declare


class CardPayload(Payload, frozen=True, kw_only=True):
    member_id: Id
    serial: Serial
    device_code: DeviceCode
    reason: Text200 | None = None


CARD_ISSUED = declare("card.issued", CardPayload, author=Author.DESK, dataset="cards")
CARD_PRINTED = declare("card.printed", CardPayload, author=Author.DESK, dataset="cards")
CARD_REPRINTED = declare("card.reprinted", CardPayload, author=Author.DESK, dataset="cards")
CARD_LOST = declare("card.lost", CardPayload, author=Author.DESK, dataset="cards")
CARD_REPLACED = declare("card.replaced", CardPayload, author=Author.DESK, dataset="cards")
CARD_KINDS = (CARD_ISSUED, CARD_PRINTED, CARD_REPRINTED, CARD_LOST, CARD_REPLACED)
