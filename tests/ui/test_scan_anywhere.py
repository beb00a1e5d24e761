"""A card scanned on any tab goes where the attendant expects; keys reach every tab."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext, Device, Operator
from desktop.services.members import commands as members
from desktop.services.visits import queries as visit_queries
from ui.checkin.band import Tone
from ui.shell import Shell

from .keys import HUMAN_DELAY_MS, type_text


def _on_duty(qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]) -> Shell:
    device, admin = station
    shell = Shell(desk, device)
    qtbot.addWidget(shell)
    shell.resize(1366, 768)
    shell.show()
    shell.activateWindow()
    shell.start_duty(admin)
    assert shell.checkin_screen is not None
    _focus(qtbot, shell.checkin_screen.search)
    return shell


def _focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def _member(desk: Desk, ctx: DeskContext, name: str, phone: str) -> members.Member:
    form = members.MemberForm(name=name, phone=phone, occupation="快递员", consent=True)
    return members.register_member(form, desk.uow(), ctx)


def _visits(desk: Desk) -> int:
    return visit_queries.today_summary(desk.uow()).visits


def test_a_card_scanned_on_the_members_tab_checks_in_and_the_filter_keeps_its_text(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    zhang = _member(desk, ctx, "张三", "13800138000")
    shell = _on_duty(qtbot, desk, station)
    assert shell.tabs is not None and shell.checkin_screen is not None
    shell.tabs.setCurrentWidget(shell.members_screen)
    box = shell.members_screen.filter
    _focus(qtbot, box)
    type_text(qtbot, box, "li", HUMAN_DELAY_MS)  # someone was looking a person up
    type_text(qtbot, box, zhang.member_number)  # ... when a card is scanned
    qtbot.keyClick(box, Qt.Key.Key_Return)

    assert _visits(desk) == 1
    assert shell.tabs.currentWidget() is shell.checkin_screen
    assert shell.checkin_screen.band.tone is Tone.OK
    assert "张三" in shell.checkin_screen.band.title.text()
    assert box.text() == "li"  # the scan's characters did not land in the filter
    assert QApplication.focusWidget() is shell.checkin_screen.search

    # Typing fast by hand (fewer keys than a card, then Enter) still types into the filter.
    shell.tabs.setCurrentWidget(shell.members_screen)
    _focus(qtbot, box)
    box.clear()
    type_text(qtbot, box, "wang")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.text() == "wang" and shell.tabs.currentWidget() is shell.members_screen
    assert _visits(desk) == 1


def test_a_card_scanned_on_the_handout_tab_stays_on_the_handout_desk(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    zhang = _member(desk, ctx, "张三", "13800138000")
    shell = _on_duty(qtbot, desk, station)
    assert shell.tabs is not None
    shell.show_tab(shell.tabs.indexOf(shell.handout_screen))
    assert QApplication.focusWidget() is shell.handout_screen.search
    # The focus wandered to some other field on that tab (the campaign box, say).
    other = QLineEdit(shell.handout_screen)
    other.show()
    _focus(qtbot, other)
    type_text(qtbot, other, zhang.member_number)
    qtbot.keyClick(other, Qt.Key.Key_Return)
    assert other.text() == ""
    assert shell.tabs.currentWidget() is shell.handout_screen
    assert shell.handout_screen.band.tone is not Tone.IDLE  # no campaign: it says so
    assert _visits(desk) == 0


def test_ctrl_number_reaches_each_tab_with_the_cursor_in_its_scan_field(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    shell = _on_duty(qtbot, desk, station)
    assert shell.tabs is not None
    for index in range(min(shell.tabs.count(), 9)):
        qtbot.keyClick(shell, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
        assert shell.tabs.currentIndex() == index
    qtbot.keyClick(shell, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is shell.checkin_screen.search  # type: ignore[union-attr]
    assert shell.tabs.tabToolTip(3) == "Ctrl+4"


def test_a_card_scanned_while_a_dialog_is_open_checks_in_once_it_closes(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    zhang = _member(desk, ctx, "张三", "13800138000")
    shell = _on_duty(qtbot, desk, station)
    dialog = QDialog(shell)
    field = QLineEdit()
    QVBoxLayout(dialog).addWidget(field)
    seen: dict[str, object] = {}

    def scan_into_the_dialog() -> None:
        _focus(qtbot, field)
        type_text(qtbot, field, zhang.member_number)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        seen["visits"], seen["text"] = _visits(desk), field.text()
        seen["waiting"] = shell.scan_router.waiting
        dialog.reject()

    QTimer.singleShot(0, scan_into_the_dialog)
    dialog.exec()
    assert seen == {"visits": 0, "text": "", "waiting": 1}
    qtbot.waitUntil(lambda: _visits(desk) == 1, timeout=3000)
    assert shell.checkin_screen is not None and "张三" in shell.checkin_screen.band.title.text()
    # The window's cursor is in the scan field (it is there when the window is active again).
    assert shell.focusWidget() is shell.checkin_screen.search
