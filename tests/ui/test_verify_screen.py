"""The verify screen: scan or paste a card or certificate code, read the verdict and contents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop import i18n
from desktop.domain.model import DeskContext, Member
from desktop.identity.keys import generate_private_key, public_key_bytes
from desktop.identity.tokens import Verdict, sign_card
from desktop.services.cards import commands as cards
from desktop.services.cards import verification
from desktop.services.cards.verification import ScanKind
from desktop.services.certificates import commands as certificates
from desktop.services.certificates.commands import CertificateForm
from desktop.services.members import commands as members
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.certificates.tables import CertificateRow
from desktop.storage.desk.repositories import PublicKeys
from desktop.storage.desk.tables import DeviceKeyRow
from sync.protocol.certificates import (
    CertificateFields,
    certificate_serial,
    certificate_url,
    sign_certificate,
)
from ui.checkin.band import Tone
from ui.session.state import DeskSession
from ui.verify.screen import VerifyScreen

from .keys import type_text
from .test_screenshots import grab, shots_folder


def _register(session: DeskSession, ctx: DeskContext, name: str) -> Member:
    form = members.MemberForm(name=name, occupation="快递员", consent=True)
    return members.register_member(form, session.desk.uow(), ctx)


def _card(session: DeskSession, ctx: DeskContext, member: Member) -> str:
    desk = session.desk
    return cards.card_to_print(member.id, desk.uow(), ctx, desk.keys).qr_text


def _certificate(
    session: DeskSession, ctx: DeskContext, member: Member, title: str = "培训证书"
) -> certificates.IssuedCertificate:
    desk = session.desk
    form = CertificateForm(member.id, title, "快递技能竞赛一等奖", "8")
    return certificates.issue_certificate(form, desk.uow(), ctx, desk.keys)


@pytest.fixture
def screen(qtbot: QtBot, session: DeskSession) -> VerifyScreen:
    shown = VerifyScreen(session)
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    shown.input.setFocus()
    return shown


def _scan(qtbot: QtBot, screen: VerifyScreen, text: str) -> None:
    """As a USB scanner does it: the characters fast, then Enter."""
    type_text(qtbot, screen.input, text)
    qtbot.keyClick(screen.input, Qt.Key.Key_Return)


def _contents(screen: VerifyScreen) -> dict[str, str]:
    found = {}
    for row in range(screen.rows.rowCount()):
        label = screen.rows.itemAt(row, screen.rows.ItemRole.LabelRole).widget()
        value = screen.rows.itemAt(row, screen.rows.ItemRole.FieldRole).widget()
        assert isinstance(label, QLabel) and isinstance(value, QLabel)
        found[label.text().rstrip("：:")] = value.text()
    return found


def test_a_real_card_is_green_with_the_members_name_and_the_input_is_ready_again(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    _scan(qtbot, screen, _card(session, ctx, zhang))

    assert screen.band.tone is Tone.OK
    assert "张三" in screen.band.title.text()
    shown = _contents(screen)
    assert shown["会员姓名"] == "张三"
    assert shown["会员编号"] == zhang.member_number
    assert shown["第几张卡"] == "1"
    assert shown["签发处"] == "本机"  # not the device code, nor the member's id (issue 15)
    assert zhang.id not in shown.values()
    assert screen.input.text() == "" and screen.input.hasFocus()
    assert not screen.note.isVisible()


def test_an_altered_card_is_red(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    token = _card(session, ctx, _register(session, ctx, "张三"))
    middle = len(token) // 2
    altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    _scan(qtbot, screen, altered)

    assert screen.band.tone is Tone.ERROR
    assert screen.last_scan is not None and screen.last_scan.verdict is Verdict.ALTERED
    assert "张三" not in screen.band.title.text()


def test_a_lost_card_is_red_and_says_so(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    token = _card(session, ctx, zhang)
    cards.report_lost(zhang.id, "丢在地铁上", session.desk.uow(), ctx)
    _scan(qtbot, screen, token)

    assert screen.band.tone is Tone.ERROR
    assert "挂失" in screen.band.title.text() + screen.band.detail.text()


def test_a_deactivated_member_is_red(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    token = _card(session, ctx, zhang)
    members.set_member_active(zhang.id, False, "搬走了", session.desk.uow(), ctx)
    _scan(qtbot, screen, token)

    assert screen.band.tone is Tone.ERROR
    assert "停用" in screen.band.title.text()


def test_a_card_from_a_device_not_synced_yet_is_orange_and_marked_unchecked(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    token = sign_card(zhang.id, 1, "ZZZZZZ", generate_private_key())
    _scan(qtbot, screen, token)

    assert screen.band.tone is Tone.REPEAT
    assert "ZZZZZZ" in screen.band.detail.text()
    assert screen.note.isVisible() and "未经核验" in screen.note.text()


def test_a_certificate_link_is_green_with_its_fields(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    issued = _certificate(session, ctx, zhang)
    _scan(qtbot, screen, issued.url)

    assert screen.band.tone is Tone.OK
    shown = _contents(screen)
    assert shown["证书名称"] == "培训证书"
    assert shown["获得者"] == "张三"
    assert shown["事由"] == "快递技能竞赛一等奖"
    assert shown["学时"] == "8"
    assert shown["证书编号"] == issued.serial
    assert shown["签发单位"] == "测试区总工会"
    assert "撤销原因" not in shown


def test_an_honour_recorded_with_hours_shows_none(
    qtbot: QtBot,
    screen: VerifyScreen,
    session: DeskSession,
    ctx: DeskContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An honour a desk issued with hours before the rule (signed, but never printed): it
    verifies, and its hours are not shown, since the paper does not state them."""
    monkeypatch.setattr(certificates, "check_hours", lambda title, hours: None)
    zhang = _register(session, ctx, "张三")
    issued = _certificate(session, ctx, zhang, "荣誉证书")
    assert issued.fields.hours == 8  # recorded and signed as it was
    _scan(qtbot, screen, issued.url)
    assert screen.band.tone is Tone.OK
    shown = _contents(screen)
    assert shown["证书名称"] == "荣誉证书" and "学时" not in shown


def test_a_revoked_certificate_is_red_with_the_reason(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    issued = _certificate(session, ctx, _register(session, ctx, "张三"))
    certificates.revoke_certificate(issued.serial, "颁发错误", session.desk.uow(), ctx)
    _scan(qtbot, screen, issued.url)

    assert screen.band.tone is Tone.ERROR
    assert "撤销" in screen.band.title.text()
    assert "颁发错误" in screen.band.detail.text()
    assert _contents(screen)["撤销原因"] == "颁发错误"


def test_a_paste_then_the_check_button(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    issued = _certificate(session, ctx, _register(session, ctx, "张三"))
    clipboard = QApplication.clipboard()
    clipboard.setText(issued.url)
    qtbot.keyClick(screen.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert screen.input.text() == issued.url
    qtbot.mouseClick(screen.check_button, Qt.MouseButton.LeftButton)

    assert screen.band.tone is Tone.OK
    assert screen.input.text() == ""


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "https://weixin.qq.com/r/abcdef",
        "WS1:" + "A" * 141,
        "WS9:ABC",
        "x" * 10_000,
        "张三\t\x00\u202e",
        "https://verify.example/c/ZZZZZZ-1?s=AAAA",
    ],
)
def test_garbage_is_red_and_never_raises(qtbot: QtBot, screen: VerifyScreen, text: str) -> None:
    screen.verify(text)

    assert screen.band.tone is Tone.ERROR
    assert screen.band.title.text()
    assert len(screen.scanned.text()) < 100  # echoed, cut short


def test_escape_clears_the_input_and_an_empty_enter_does_nothing(
    qtbot: QtBot, screen: VerifyScreen
) -> None:
    type_text(qtbot, screen.input, "半截")
    qtbot.keyClick(screen.input, Qt.Key.Key_Escape)
    assert screen.input.text() == ""
    qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert screen.last_scan is None and screen.band.tone is Tone.IDLE


def test_english(qtbot: QtBot, session: DeskSession, ctx: DeskContext) -> None:
    i18n.set_language("en")
    shown = VerifyScreen(session)
    qtbot.addWidget(shown)
    zhang = _register(session, ctx, "张三")
    shown.verify(_card(session, ctx, zhang))
    assert shown.band.title.text() == "Valid member card: 张三"
    assert _contents(shown)["Member no."] == zhang.member_number


def test_the_scan_service_says_the_same_as_the_verdicts(
    session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    found = verification.scan(session.desk.uow(), _card(session, ctx, zhang))
    assert found.kind is ScanKind.CARD and found.valid and found.accepted
    assert found.message_code == "verify.card_valid"
    issued = _certificate(session, ctx, zhang)
    found = verification.scan(session.desk.uow(), issued.url)
    assert found.kind is ScanKind.CERTIFICATE and found.valid and found.fields == issued.fields


def test_a_certificate_printed_without_an_address_is_reprinted_with_the_one_known_now(
    qtbot: QtBot, screen: VerifyScreen, session: DeskSession, ctx: DeskContext
) -> None:
    """Same serial, same signature; the QR now leads to the public page."""
    issued = _certificate(session, ctx, _register(session, ctx, "张三"))
    assert issued.offline_only and not issued.url.startswith("http")
    _scan(qtbot, screen, issued.url)
    assert screen.reprint_button.isVisible()

    from desktop.config import DeskSettings

    with session.desk.uow() as uow:
        DeskSettings.certificate_base_url.write(uow, "https://zhengshu.example.cn")
        uow.commit()
    shown: list[tuple[bytes, str]] = []
    screen.show_pdf = lambda pdf, title: shown.append((pdf, title))
    qtbot.mouseClick(screen.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    [(pdf, title)] = shown
    assert issued.serial in title
    import pypdfium2
    import zxingcpp

    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    [code] = zxingcpp.read_barcodes(image)
    assert code.text == "https://zhengshu.example.cn/" + issued.url

    certificates.revoke_certificate(issued.serial, "颁发错误", session.desk.uow(), ctx)
    _scan(qtbot, screen, issued.url)
    assert not screen.reprint_button.isVisible()  # a revoked certificate is not reprinted
    _scan(qtbot, screen, "garbage")
    assert not screen.reprint_button.isVisible()


OTHER_DEVICE = "7KQ3M2"


def _revoked_devices_certificates(session: DeskSession, member: Member) -> tuple[str, str]:
    """A certificate another desk issued, as this desk pulled it, then its device revoked by
    the server (as ``device.revoked`` sets it): (link held here, link of one never pulled)."""
    other = generate_private_key()
    fields = CertificateFields(
        title="结业证书",
        recipient_name=member.name,
        member_id=member.id,
        purpose="电工技能提升培训班",
        hours=Decimal(16),
        issued_on=date(2026, 11, 20),
        issuing_union="测试区总工会",
    )
    held, unheld = certificate_serial(OTHER_DEVICE, 1), certificate_serial(OTHER_DEVICE, 2)
    signature = sign_certificate(held, fields, other)
    with session.desk.uow() as uow:
        uow.repo(PublicKeys).add(OTHER_DEVICE, public_key_bytes(other), "pulled", "2026-11-01")
        uow.repo(Certificates).add(
            CertificateRow(
                serial=held,
                member_id=member.id,
                title=fields.title,
                recipient_name=fields.recipient_name,
                purpose=fields.purpose,
                hours="16",
                issued_on="2026-11-20",
                issuing_union=fields.issuing_union,
                signature=signature,
                station_id="s" * 36,
                device_id="d" * 36,
                operator_id="",
                device_time="2026-11-20T02:00:00Z",
            )
        )
        key = uow.session.get(DeviceKeyRow, OTHER_DEVICE)
        assert key is not None
        key.revoked_at = "2026-12-01T06:30:00Z"
        uow.commit()
    return (
        certificate_url("https://v.example.org", held, signature),
        certificate_url("https://v.example.org", unheld, sign_certificate(unheld, fields, other)),
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_certificate_of_a_device_revoked_since(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, lang: str
) -> None:
    """Pulled before its device was revoked: still genuine, and the screen says the device
    was revoked; one never pulled from that device cannot be vouched for."""
    held, unheld = _revoked_devices_certificates(session, _register(session, ctx, "张三"))
    i18n.set_language(lang)
    shown = VerifyScreen(session)
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    shown.verify(held)
    assert shown.band.tone is Tone.OK
    detail = shown.band.detail.text()
    assert ("停用" in detail and "仍然有效" in detail) if lang == "zh" else "stays valid" in detail
    label = "发证设备停用于" if lang == "zh" else "Issuing device revoked on"
    assert _contents(shown)[label]
    folder = shots_folder(lang)
    assert grab(shown, folder, "verify-certificate-device-revoked").stat().st_size > 1000

    shown.verify(unheld)
    assert shown.band.tone is Tone.ERROR
    assert (
        ("停用" in shown.band.detail.text())
        if lang == "zh"
        else ("revoked" in shown.band.detail.text())
    )
    assert grab(shown, folder, "verify-certificate-device-revoked-unknown").stat().st_size > 1000
