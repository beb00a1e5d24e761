"""Issuing a certificate by hand from a member: the printed QR verifies; errors stay inline."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from desktop.domain.model import DeskContext, Member
from desktop.services.cards import verification
from desktop.services.members import commands as members
from ui.members.certificate_dialog import CertificateDialog
from ui.members.list_screen import MembersScreen
from ui.session.state import DeskSession

from .keys import type_text
from .test_screenshots import grab, shots_folder


def _register(session: DeskSession, ctx: DeskContext, name: str) -> Member:
    form = members.MemberForm(name=name, occupation="快递员", consent=True)
    return members.register_member(form, session.desk.uow(), ctx)


def _decoded(pdf: bytes) -> list[str]:
    import pypdfium2
    import zxingcpp

    found: list[str] = []
    for page in pypdfium2.PdfDocument(pdf):
        image = page.render(scale=300 / 72).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    return found


def _dialog(qtbot: QtBot, session: DeskSession, member: Member) -> CertificateDialog:
    dialog = CertificateDialog(session, member)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _certificates_of(session: DeskSession, member_id: str) -> int:
    from sqlalchemy import func, select

    from desktop.storage.certificates.tables import CertificateRow

    uow = session.desk.uow()
    with uow.reading():
        query = select(func.count()).where(CertificateRow.member_id == member_id)
        return int(uow.session.scalar(query.select_from(CertificateRow)) or 0)


def test_issue_prints_a_certificate_whose_code_verifies(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    dialog = _dialog(qtbot, session, zhang)
    shown: list[tuple[bytes, str]] = []
    dialog.show_pdf = lambda pdf, title: shown.append((pdf, title))
    assert "张三" in dialog.recipient.text()

    dialog.title.setCurrentText("培训证书")
    type_text(qtbot, dialog.purpose, "电动车安全驾驶培训")
    type_text(qtbot, dialog.hours, "1.5")
    dialog.starts_on.set_value(date(2024, 5, 6))
    dialog.ends_on.set_value(date(2024, 5, 7))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.issued is not None and dialog.result() == dialog.DialogCode.Accepted
    [(pdf, title)] = shown
    assert dialog.issued.serial in title
    [url] = _decoded(pdf)
    assert url == dialog.issued.url
    found = verification.scan(session.desk.uow(), url)
    assert found.valid and found.fields is not None
    assert found.fields.recipient_name == "张三" and found.fields.title == "培训证书"
    assert str(found.fields.hours) == "1.5"
    assert (found.fields.starts_on, found.fields.ends_on) == (date(2024, 5, 6), date(2024, 5, 7))


def test_bad_hours_are_said_inline_and_nothing_is_issued(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    dialog = _dialog(qtbot, session, zhang)
    shown: list[bytes] = []
    dialog.show_pdf = lambda pdf, title: shown.append(pdf)
    type_text(qtbot, dialog.purpose, "技能竞赛一等奖")
    type_text(qtbot, dialog.hours, "三十")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.issued is None and not shown
    assert dialog.error.isVisible() and "学时" in dialog.error.text()
    assert dialog.purpose.text() == "技能竞赛一等奖" and dialog.hours.text() == "三十"
    assert dialog.ok_button.isEnabled()
    assert _certificates_of(session, zhang.id) == 0

    dialog.hours.setText("")  # an award has no hours: now it goes through
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.issued is not None and len(shown) == 1
    assert _certificates_of(session, zhang.id) == 1


def test_an_honour_takes_no_hours(qtbot: QtBot, session: DeskSession, ctx: DeskContext) -> None:
    """Choosing 荣誉证书 empties and locks the hours (what was typed comes back with another
    title); the honour is issued without hours."""
    zhang = _register(session, ctx, "张三")
    dialog = _dialog(qtbot, session, zhang)
    dialog.show_pdf = lambda pdf, title: True
    type_text(qtbot, dialog.purpose, "快递技能竞赛一等奖")
    type_text(qtbot, dialog.hours, "32")
    dialog.title.setCurrentText("荣誉证书")
    assert not dialog.hours.isEnabled() and dialog.hours.text() == ""
    assert dialog.hours.placeholderText() == "荣誉证书不写学时"
    dialog.title.setCurrentText("培训证书")
    assert dialog.hours.isEnabled() and dialog.hours.text() == "32"
    dialog.title.setCurrentText("荣誉证书")
    grab(dialog, shots_folder("zh"), "17-certificate-honour")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.issued is not None and dialog.issued.fields.hours is None
    assert dialog.issued.fields.title == "荣誉证书"


def test_dates_start_empty_and_delete_empties_them_again(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    dialog = _dialog(qtbot, session, _register(session, ctx, "张三"))
    assert dialog.starts_on.value() is None and dialog.form().starts_on is None
    assert dialog.starts_on.text() == "（不填）"
    qtbot.keyClick(dialog.starts_on, Qt.Key.Key_Up)  # from "none" up goes to today
    assert dialog.starts_on.date() == QDate.currentDate()
    qtbot.keyClick(dialog.starts_on, Qt.Key.Key_Delete)
    assert dialog.starts_on.value() is None


def test_end_before_start_is_refused_inline(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _register(session, ctx, "张三")
    dialog = _dialog(qtbot, session, zhang)
    dialog.purpose.setText("安全培训")
    dialog.starts_on.set_value(date(2024, 5, 7))
    dialog.ends_on.set_value(date(2024, 5, 6))
    dialog.ok_button.click()
    assert dialog.issued is None and "结束日期" in dialog.error.text()


def test_the_members_screen_opens_the_dialog_for_the_selected_member(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    zhang = _register(session, ctx, "张三")
    screen = MembersScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    assert not screen.certificate_button.isEnabled()
    assert screen.select_member(zhang.id)
    assert screen.certificate_button.isEnabled()
    opened: list[CertificateDialog] = []

    def fake_exec(dialog: CertificateDialog) -> int:
        opened.append(dialog)
        return 0

    monkeypatch.setattr(CertificateDialog, "exec", fake_exec)
    screen.certificate_button.click()
    [dialog] = opened
    assert dialog.member.id == zhang.id


def test_a_desk_with_no_address_says_so_before_printing(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    from desktop.config import DeskSettings

    zhang = _register(session, ctx, "张三")
    dialog = _dialog(qtbot, session, zhang)
    assert dialog.no_address.isVisible() and "查验网址" in dialog.no_address.text()
    assert "仅驿站可查验" in dialog.ok_button.text()
    dialog.adjustSize()
    from tests.ui.test_screenshots import grab, shots_folder

    grab(dialog, shots_folder("zh"), "certificate-no-address")
    dialog.reject()

    with session.desk.uow() as uow:
        DeskSettings.certificate_base_url.write(uow, "https://zhengshu.example.cn")
        uow.commit()
    known = _dialog(qtbot, session, zhang)
    assert not known.no_address.isVisible() and known.ok_button.text() == "颁发并打印"
    shown: list[bytes] = []
    known.show_pdf = lambda pdf, title: shown.append(pdf)
    type_text(qtbot, known.purpose, "电动车安全驾驶培训")
    qtbot.mouseClick(known.ok_button, Qt.MouseButton.LeftButton)
    assert known.issued is not None
    assert _decoded(shown[0]) == [known.issued.url]
    assert known.issued.url.startswith("https://zhengshu.example.cn/v/")
