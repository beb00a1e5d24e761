"""Member cards and certificates at the service level, on a real SQLite data folder."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from desktop.domain.model import DeskContext, Device, Member, Operator, Role
from desktop.identity.keys import generate_private_key, public_key_bytes
from desktop.identity.tokens import Problem, Verdict, sign_card
from desktop.printing import compose
from desktop.services.cards import commands as cards
from desktop.services.cards import identity
from desktop.services.certificates import commands as certificates
from desktop.services.desk.settings import read_settings, save_settings
from desktop.services.members import commands as members
from desktop.storage.cards.tables import CardEventRow
from desktop.storage.desk.repositories import PublicKeys
from desktop.storage.sync.tables import OutboxRow

OTHER_DEVICE = "9ZZZZ9"


def add_member(desk: Desk, ctx: DeskContext, name: str = "张三", phone: str = "") -> Member:
    form = members.MemberForm(name=name, phone=phone, occupation="外卖骑手", consent=True)
    return members.register_member(form, desk.uow(), ctx)


@pytest.fixture
def member(desk: Desk, ctx: DeskContext) -> Member:
    return add_member(desk, ctx)


def card_events(desk: Desk) -> list[tuple[str, str | None]]:
    with desk.uow().reading() as uow:
        rows = uow.session.scalars(select(CardEventRow).order_by(CardEventRow.device_time))
        return [(r.kind, r.reason) for r in rows]


def outbox(desk: Desk, prefix: str) -> list[tuple[str, dict[str, object]]]:
    with desk.uow().reading() as uow:
        rows = uow.session.scalars(select(OutboxRow).order_by(OutboxRow.seq))
        return [(r.kind, json.loads(r.payload)) for r in rows if r.kind.startswith(prefix)]


def verdict_of(desk: Desk, text: str) -> Verdict:
    return identity.verify_card_text(desk.uow(), text).verdict


# --- cards --------------------------------------------------------------------------------


def test_first_print_is_serial_one_and_verifies(desk: Desk, ctx: DeskContext, member: Member):
    card = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys)
    assert (card.serial, card.reprint, card.member.id) == (1, False, member.id)
    assert card.device_code == desk.device().code  # type: ignore[union-attr]
    verdict = identity.verify_card_text(desk.uow(), card.qr_text)
    assert verdict.verdict is Verdict.VALID and verdict.member_known
    assert (verdict.member_id, verdict.serial) == (member.id, 1)
    assert cards.unprinted_member_ids(desk.uow()) == []


def test_reprint_needs_a_reason_and_keeps_the_serial(
    desk: Desk, ctx: DeskContext, member: Member
) -> None:
    first = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys)
    with pytest.raises(InvalidInput) as refused:
        cards.card_to_print(member.id, desk.uow(), ctx, desk.keys)
    assert refused.value.code == "card.reprint_reason"
    with pytest.raises(InvalidInput):
        cards.card_to_print(member.id, desk.uow(), ctx, desk.keys, reprint_reason="   ")
    again = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys, reprint_reason="卡片损坏")
    assert again.reprint and again.serial == 1
    assert again.qr_text == first.qr_text  # Ed25519 signatures are deterministic
    assert card_events(desk) == [("issued", None), ("printed", None), ("reprinted", "卡片损坏")]
    kinds = [kind for kind, _ in outbox(desk, "card.")]
    assert kinds == ["card.issued", "card.printed", "card.reprinted"]
    device = desk.device()
    assert device is not None
    assert outbox(desk, "card.reprinted")[0][1] == {
        "member_id": member.id,
        "serial": 1,
        "reason": "卡片损坏",
        "device_code": first.device_code,  # self-contained for other desks (sync)
    }


def test_lost_blocks_the_serial_and_reissue_gives_the_next(
    desk: Desk, ctx: DeskContext, member: Member
) -> None:
    old = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys).qr_text
    assert cards.report_lost(member.id, "丢在地铁上", desk.uow(), ctx) == 1
    assert verdict_of(desk, old) is Verdict.BLOCKED
    blocked = identity.verify_card_text(desk.uow(), old)
    assert not identity.accepted(desk.uow(), blocked)

    assert cards.reissue(member.id, desk.uow(), ctx) == 2
    new = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys)
    assert (new.serial, new.reprint) == (2, False)
    assert verdict_of(desk, new.qr_text) is Verdict.VALID
    assert verdict_of(desk, old) is Verdict.BLOCKED
    kinds = [kind for kind, _ in card_events(desk)]
    assert kinds == ["issued", "printed", "lost", "issued", "printed"]
    assert [k for k, _ in outbox(desk, "card.")] == [f"card.{k}" for k in kinds]
    assert outbox(desk, "card.lost")[0][1]["reason"] == "丢在地铁上"


def test_reissue_replaces_the_current_card(desk: Desk, ctx: DeskContext, member: Member):
    old = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys).qr_text
    assert cards.reissue(member.id, desk.uow(), ctx) == 2
    assert verdict_of(desk, old) is Verdict.BLOCKED
    assert "replaced" in [kind for kind, _ in card_events(desk)]


def test_lost_without_a_card_is_refused(desk: Desk, ctx: DeskContext, member: Member):
    with pytest.raises(Exception) as refused:
        cards.report_lost(member.id, "", desk.uow(), ctx)
    assert getattr(refused.value, "code", None) == "card.none"


def test_deactivated_member(desk: Desk, ctx: DeskContext, member: Member) -> None:
    text = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys).qr_text
    members.set_member_active(member.id, False, "离职", desk.uow(), ctx)
    assert verdict_of(desk, text) is Verdict.DEACTIVATED
    with pytest.raises(RuleViolation):
        cards.card_to_print(member.id, desk.uow(), ctx, desk.keys, reprint_reason="x")
    assert cards.unprinted_member_ids(desk.uow()) == []


def test_unprinted_lists_oldest_first(desk: Desk, ctx: DeskContext) -> None:
    first = add_member(desk, ctx, "甲一")
    second = add_member(desk, ctx, "乙二")
    assert cards.unprinted_member_ids(desk.uow()) == [first.id, second.id]
    cards.card_to_print(first.id, desk.uow(), ctx, desk.keys)
    assert cards.unprinted_member_ids(desk.uow()) == [second.id]


def test_a_reissued_card_waits_in_the_unprinted_queue(
    desk: Desk, ctx: DeskContext, member: Member
) -> None:
    cards.card_to_print(member.id, desk.uow(), ctx, desk.keys)
    cards.report_lost(member.id, "", desk.uow(), ctx)
    cards.reissue(member.id, desk.uow(), ctx)
    assert cards.unprinted_member_ids(desk.uow()) == [member.id]


def test_another_devices_key_is_unknown_until_accepted(
    desk: Desk, ctx: DeskContext, member: Member
) -> None:
    other = generate_private_key()
    text = sign_card(member.id, 1, OTHER_DEVICE, other)
    verdict = identity.verify_card_text(desk.uow(), text)
    assert verdict.verdict is Verdict.UNKNOWN_DEVICE and verdict.device_code == OTHER_DEVICE
    assert not identity.accepted(desk.uow(), verdict)
    settings = read_settings(desk.uow())
    save_settings(settings.replace(accept_unknown_devices=True), desk.uow(), ctx)
    assert identity.accepted(desk.uow(), verdict)

    # once the other device's key is known, its signature is checked for real
    with desk.uow() as uow:
        uow.repo(PublicKeys).add(OTHER_DEVICE, public_key_bytes(other), "sync", "2025-01-01")
        uow.commit()
    assert verdict_of(desk, text) is Verdict.VALID
    forged = sign_card(member.id, 1, OTHER_DEVICE, generate_private_key())
    assert verdict_of(desk, forged) is Verdict.ALTERED


def test_a_flipped_character_is_altered(desk: Desk, ctx: DeskContext, member: Member):
    text = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys).qr_text
    for i in (10, 30, 100, 140):  # member id, serial, signature (the device code aside)
        flipped = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1 :]
        assert verdict_of(desk, flipped) is Verdict.ALTERED, i


def test_card_face(desk: Desk, ctx: DeskContext, member: Member, station) -> None:
    device: Device = station[0]
    card = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys)
    face = compose.card_face(card, device.station)
    assert (face.union_name, face.station_name) == ("测试区总工会", "测试街道工会驿站")
    assert (face.member_name, face.member_number) == (member.name, member.member_number)
    assert (face.occupation, face.serial, face.qr_text) == ("外卖骑手", 1, card.qr_text)
    assert face.issue_date == date.fromisoformat(card.issued_on)


# --- certificates -------------------------------------------------------------------------


def form(member: Member, **changes: object) -> certificates.CertificateForm:
    base = certificates.CertificateForm(
        member_id=member.id,
        title="培训证书",
        purpose="电工安全操作培训",
        hours="1.5",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 10),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_certificate_issue_verify_tamper_revoke(
    desk: Desk, ctx: DeskContext, member: Member
) -> None:
    issued = certificates.issue_certificate(form(member), desk.uow(), ctx, desk.keys)
    assert issued.serial.endswith("-0001") and issued.url.endswith(issued.url.split("?s=")[1])
    verdict, revoked = certificates.verify_certificate_text(desk.uow(), issued.url)
    assert verdict.verdict is Verdict.VALID and revoked is None
    assert verdict.fields is not None and verdict.fields.recipient_name == member.name
    assert str(verdict.fields.hours) == "1.5"

    signature = issued.url.split("?s=")[1]
    bad = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    tampered, _ = certificates.verify_certificate_text(
        desk.uow(), issued.url.replace(signature, bad)
    )
    assert tampered.verdict is Verdict.ALTERED and tampered.problem is Problem.SIGNATURE

    doc = compose.certificate_doc(certificates.certificate(desk.uow(), issued.serial))
    assert (doc.hours, doc.serial, doc.qr_text) == (1.5, issued.serial, issued.url)
    assert (doc.issuer, doc.start, doc.end) == ("测试区总工会", date(2025, 3, 1), date(2025, 3, 10))

    certificates.revoke_certificate(issued.serial, "  信息 有误 ", desk.uow(), ctx)
    verdict, revoked = certificates.verify_certificate_text(desk.uow(), issued.url)
    assert verdict.verdict is Verdict.VALID and revoked == "信息 有误"
    assert certificates.certificate(desk.uow(), issued.serial).revoked
    with pytest.raises(RuleViolation):
        certificates.revoke_certificate(issued.serial, "again", desk.uow(), ctx)
    assert [k for k, _ in outbox(desk, "certificate.")] == [
        "certificate.issued",
        "certificate.revoked",
    ]


def test_second_certificate_gets_the_next_serial(desk: Desk, ctx: DeskContext, member: Member):
    first = certificates.issue_certificate(form(member, hours=""), desk.uow(), ctx, desk.keys)
    second = certificates.issue_certificate(form(member), desk.uow(), ctx, desk.keys)
    assert first.serial.endswith("-0001") and second.serial.endswith("-0002")
    assert first.fields.hours is None and compose.certificate_doc(first).hours is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "优秀证书"}, "certificate.title"),
        ({"purpose": "  "}, "certificate.purpose"),
        ({"purpose": "课" * 201}, "certificate.purpose"),
        ({"hours": "abc"}, "certificate.hours"),
        ({"hours": "0"}, "certificate.hours"),
        ({"hours": "-2"}, "certificate.hours"),
        ({"hours": "NaN"}, "certificate.hours"),
        ({"hours": "Infinity"}, "certificate.hours"),
        ({"hours": "10001"}, "certificate.hours"),
        ({"starts_on": date(2025, 3, 10), "ends_on": date(2025, 3, 1)}, "certificate.dates"),
        ({"title": "荣誉证书", "hours": "8"}, "certificate.honour_hours"),  # an honour states none
    ],
)
def test_bad_certificates_are_refused(
    desk: Desk, ctx: DeskContext, member: Member, changes: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        certificates.issue_certificate(form(member, **changes), desk.uow(), ctx, desk.keys)
    assert refused.value.code == code
    assert outbox(desk, "certificate.") == []


def test_revoking_needs_a_reason_and_a_lead(
    desk: Desk, ctx: DeskContext, member: Member, station: tuple[Device, Operator]
) -> None:
    issued = certificates.issue_certificate(form(member), desk.uow(), ctx, desk.keys)
    with pytest.raises(InvalidInput):
        certificates.revoke_certificate(issued.serial, " ", desk.uow(), ctx)
    attendant = replace(ctx, operator_role=Role.ATTENDANT)
    with pytest.raises(PermissionDenied):
        certificates.revoke_certificate(issued.serial, "x", desk.uow(), attendant)


def test_a_station_certificate_template_is_checked_and_used(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    from desktop.printing.certificates import DEFAULT_TEMPLATE
    from desktop.services.cards import printouts

    current = read_settings(desk.uow())
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        save_settings(current.replace(certificate_template=str(broken)), desk.uow(), ctx)
    assert refused.value.code == "settings.template"

    mine = tmp_path / "mine.json"
    template = json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    mine.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    save_settings(current.replace(certificate_template=str(mine)), desk.uow(), ctx)
    member = members.register_member(members.MemberForm(name="张三"), desk.uow(), ctx)
    issued = certificates.issue_certificate(
        certificates.CertificateForm(
            member_id=member.id, title="荣誉证书", purpose="技能竞赛一等奖"
        ),
        desk.uow(),
        ctx,
        desk.keys,
    )
    assert printouts.certificate_pdf_for(desk.uow(), issued).startswith(b"%PDF")


def test_the_seal_image_must_be_a_png_and_is_printed(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    from PIL import Image

    from desktop.i18n import tr
    from desktop.services.cards import printouts

    current = read_settings(desk.uow())
    jpeg = tmp_path / "seal.jpg"
    Image.new("RGB", (100, 100), (200, 20, 20)).save(jpeg)
    for bad in (jpeg, tmp_path / "missing.png"):
        with pytest.raises(InvalidInput) as refused:
            save_settings(current.replace(certificate_seal=str(bad)), desk.uow(), ctx)
        assert refused.value.code == "settings.seal"
        assert "PNG" in tr(refused.value.code, **refused.value.params)
    assert read_settings(desk.uow()).certificate_seal == ""  # nothing saved

    png = tmp_path / "seal.png"
    Image.new("RGBA", (100, 100), (200, 20, 20, 128)).save(png)
    save_settings(current.replace(certificate_seal=f" {png} "), desk.uow(), ctx)
    assert read_settings(desk.uow()).certificate_seal == str(png)
    member = members.register_member(members.MemberForm(name="张三"), desk.uow(), ctx)
    issued = certificates.issue_certificate(
        certificates.CertificateForm(member_id=member.id, title="结业证书", purpose="电工"),
        desk.uow(),
        ctx,
        desk.keys,
    )
    assert b"/Subtype /Image" in printouts.certificate_pdf_for(desk.uow(), issued)
