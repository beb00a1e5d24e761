"""This device's signing key in the key register, and verdicts on scanned cards."""

from __future__ import annotations

from desktop.config import DeskSettings
from desktop.domain.clock import to_iso
from desktop.domain.errors import RuleViolation
from desktop.domain.model import Member
from desktop.identity.tokens import (
    CardVerdict,
    Problem,
    Unrecognised,
    Verdict,
    parse,
    verify_card,
)
from desktop.storage.cards.repositories import Cards
from desktop.storage.desk.repositories import PublicKeys
from desktop.storage.members.repositories import MemberRepository, to_member
from desktop.storage.members.tables import MemberRow
from desktop.storage.uow import UnitOfWork

# What a placeholder member is called until sync brings the real record.
CARD_ONLY_NAME = "外站会员"


def register_own_key(uow: UnitOfWork, public_key: bytes) -> None:
    """Put this device's public key in the register (once set up; idempotent)."""
    with uow:
        device = uow.device.row()
        if device is None or uow.repo(PublicKeys).public_key(device.code) == public_key:
            return
        uow.repo(PublicKeys).add(device.code, public_key, "own", to_iso(uow.now()))
        uow.commit()


def verify_card_text(uow: UnitOfWork, text: str) -> CardVerdict:
    """What a scanned card is worth at this desk; never raises on any text."""
    with uow.reading():

        def member_active(member_id: str) -> bool | None:
            member = uow.repo(MemberRepository).get(member_id)
            return None if member is None else member.active

        return verify_card(
            text, uow.repo(PublicKeys).public_key, uow.repo(Cards).is_blocked, member_active
        )


def accepted(uow: UnitOfWork, verdict: CardVerdict) -> bool:
    """Whether the desk takes this card: valid, or from an unknown device if so configured."""
    if verdict.verdict is Verdict.VALID:
        return True
    if verdict.verdict is Verdict.UNKNOWN_DEVICE:
        with uow.reading():
            return DeskSettings.accept_unknown_devices.read(uow)
    return False


def looks_like_ours(text: str) -> bool:
    """Whether scanned text is in one of our token formats (valid or not)."""
    parsed = parse(text)
    return not (isinstance(parsed, Unrecognised) and parsed.problem is Problem.FOREIGN)


def member_from_card(uow: UnitOfWork, text: str) -> Member:
    """The member a scanned card names, if this desk accepts the card.

    A valid card of a member registered at another station, not synced here yet, gets a
    placeholder record under the member's own id (``from_card``), so the visit is recorded
    against that id and joins the real record when sync brings it. Refusals raise a
    RuleViolation whose code is the verdict's message.
    """
    verdict = verify_card_text(uow, text)
    if not accepted(uow, verdict):
        raise RuleViolation(verdict.message_code, **verdict.message_params)
    assert verdict.member_id is not None and verdict.device_code is not None
    with uow.reading():  # the usual case, a member known here: no write lock to wait for
        known = uow.repo(MemberRepository).row(verdict.member_id)
        if known is not None:
            return to_member(known)
    with uow:
        row = uow.repo(MemberRepository).row(verdict.member_id)
        if row is None:
            device = uow.device.row()
            assert device is not None
            at = to_iso(uow.now())
            row = MemberRow(
                id=verdict.member_id,
                member_number=f"~{verdict.member_id[-12:].upper()}",
                name=CARD_ONLY_NAME,
                name_sort="",
                occupation="",
                employer="",
                union_branch="",
                tags="[]",
                active=True,
                version=0,
                station_id=device.station_id,
                device_id=device.id,
                operator_id=None,
                device_time=at,
                updated_at=at,
                from_card=True,
            )
            uow.repo(MemberRepository).add(row, ())
            uow.commit()
        return to_member(row)
