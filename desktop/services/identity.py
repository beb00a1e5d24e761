"""This device's signing key in the key register, and verdicts on scanned cards."""

from __future__ import annotations

from desktop import config
from desktop.domain.clock import to_iso
from desktop.identity.tokens import CardVerdict, Verdict, verify_card
from desktop.storage.uow import UnitOfWork


def register_own_key(uow: UnitOfWork, public_key: bytes) -> None:
    """Put this device's public key in the register (once set up; idempotent)."""
    with uow:
        device = uow.device.row()
        if device is None or uow.public_keys.public_key(device.code) == public_key:
            return
        uow.public_keys.add(device.code, public_key, "own", to_iso(uow.now()))
        uow.commit()


def verify_card_text(uow: UnitOfWork, text: str) -> CardVerdict:
    """What a scanned card is worth at this desk; never raises on any text."""
    with uow.reading():

        def member_active(member_id: str) -> bool | None:
            member = uow.members.get(member_id)
            return None if member is None else member.active

        return verify_card(text, uow.public_keys.public_key, uow.cards.is_blocked, member_active)


def accepted(uow: UnitOfWork, verdict: CardVerdict) -> bool:
    """Whether the desk takes this card: valid, or from an unknown device if so configured."""
    if verdict.verdict is Verdict.VALID:
        return True
    if verdict.verdict is Verdict.UNKNOWN_DEVICE:
        with uow.reading():
            return config.ACCEPT_UNKNOWN_DEVICES.read(uow)
    return False
