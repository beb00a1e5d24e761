"""The courses screen: a micro class in seconds, enrolling, the grid (a change is a new mark,
audited), completion and certifying everyone who completed as one PDF."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.domain.model import DeskContext, Member
from desktop.domain.training import AttendanceStatus
from desktop.services.certificates.commands import verify_certificate_text
from desktop.services.members import commands as members
from desktop.services.training import attendance, courses, rosters
from ui.session.state import DeskSession
from ui.shell import Shell
from ui.training.course_dialog import CourseDialog
from ui.training.course_screen import CourseScreen, SessionDialog

from .keys import HUMAN_DELAY_MS, type_text

TOMORROW = date.today() + timedelta(days=1)


def _people(session: DeskSession, ctx: DeskContext) -> list[Member]:
    return [
        members.register_member(
            members.MemberForm(name=name, phone=f"1370000000{i}", consent=True),
            session.desk.uow(),
            ctx,
        )
        for i, name in enumerate(["张三", "李四", "王五"])
    ]


def _screen(qtbot: QtBot, session: DeskSession) -> CourseScreen:
    screen = CourseScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def test_a_micro_class_is_made_in_one_dialog(qtbot: QtBot, session: DeskSession) -> None:
    dialog = CourseDialog(session, micro=True)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.made is None and dialog.error.text()  # no title: refused in words
    dialog.title.setText("防诈骗微课堂")
    dialog.save()
    assert dialog.made is not None and dialog.made.sessions == 1
    screen = _screen(qtbot, session)
    assert screen.list.rowCount() == 1 and screen.sessions.rowCount() == 1


def test_enrol_by_typing_then_edit_the_grid_and_certify(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx)
    two = (
        courses.SessionForm(TOMORROW, "09:00", "11:00"),
        courses.SessionForm(TOMORROW, "14:00", "16:00"),
    )
    made = courses.create_course(courses.CourseForm(title="叉车培训"), session.desk.uow(), ctx, two)
    screen = _screen(qtbot, session)
    for typed in ("zhangsan", "lisi"):
        type_text(qtbot, screen.enrol_box, typed, HUMAN_DELAY_MS)
        qtbot.keyClick(screen.enrol_box, Qt.Key.Key_Return)
    assert screen.roster.rowCount() == 2 and "已报名" in screen.roster_note.text()

    screen.ask_mark = lambda name, where: (AttendanceStatus.PRESENT, "")
    for row in (0, 1):
        for column in (1, 2):
            screen.edit_cell(row, column)
    screen.ask_mark = lambda name, where: (AttendanceStatus.EXCUSED, "纸质签到表补录")
    screen.edit_cell(1, 2)
    grid = attendance.course_grid(session.desk.uow(), made.id)
    assert [c.status for c in grid.rows[1].cells] == [
        AttendanceStatus.PRESENT,
        AttendanceStatus.EXCUSED,
    ]
    assert screen.grid.item(1, 2).text() == "请假"  # type: ignore[union-attr]
    held = grid.sessions[1]
    screen.ask_mark = lambda name, where: None  # opened and cancelled
    screen.edit_cell(1, 2)  # the dialog shows the cell's marks so far, the one counting marked
    assert len(screen.cell_trail) == 2 and screen.cell_trail[1].startswith("▶")
    assert "纸质签到表补录" in screen.cell_trail[1] and "王站长" in screen.cell_trail[1]
    trail = attendance.history(session.desk.uow(), held.id, people[1].id)
    assert [h.status for h in trail] == [AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED]

    shown: list[bytes] = []
    screen.show_pdf = lambda pdf, title: shown.append(pdf)
    assert not screen.no_address.isHidden()  # said before printing: the QR is for stations
    screen.certify()
    assert len(shown) == 1
    document = pdfium.PdfDocument(shown[0])
    try:
        assert len(document) == 1  # 张三 completed; 李四 is one session short
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    url = zxingcpp.read_barcodes(image)[0].text
    verdict, revoked = verify_certificate_text(session.desk.uow(), url)
    assert verdict.verdict.value == "valid" and revoked is None
    assert screen.completion.item(0, 4).text() == "是"  # type: ignore[union-attr]
    assert "缺 1 次课" in screen.completion.item(1, 5).text()  # type: ignore[union-attr]


def test_the_shell_has_a_training_tab_and_the_course_opens_at_the_door(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    one = (courses.SessionForm(TOMORROW, "09:00", "10:00"),)
    courses.create_course(courses.CourseForm(title="劳动法微课堂"), session.desk.uow(), ctx, one)
    window = Shell(session.desk, session.device)
    qtbot.addWidget(window)
    window.start_duty(session.operator)
    training = window.training_screen
    training.pages.setCurrentWidget(training.courses)
    training.courses.sessions.selectRow(0)
    training.courses.door_for_selected()
    assert training.pages.currentWidget() is training.door
    assert training.door.session_id is not None
    assert "劳动法微课堂" in training.door.picker.currentText()


def test_roster_import_and_excel_report_from_the_screen(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, tmp_path: Path
) -> None:
    people = _people(session, ctx)
    made = courses.create_course(courses.CourseForm(title="养老护理"), session.desk.uow(), ctx)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["会员号"])
    for member in people:
        sheet.append([member.member_number])
    sheet.append(["不存在-0000"])
    roster = tmp_path / "roster.xlsx"
    book.save(roster)
    screen = _screen(qtbot, session)
    target = tmp_path / "report.xlsx"
    screen.ask_path = lambda title, pattern, save: str(target if save else roster)
    screen.import_roster()
    assert len(rosters.roster(session.desk.uow(), made.id)) == 3
    assert "未导入 1" in screen.roster_note.text() and "第 5 行" in screen.roster_note.text()
    screen.export("xlsx")
    assert load_workbook(target).sheetnames[0] == "名单"


def test_a_session_is_added_and_moved_through_its_dialog(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = (courses.SessionForm(TOMORROW, "09:00", "10:00", topic="安全用电"),)
    made = courses.create_course(courses.CourseForm(title="电工"), session.desk.uow(), ctx, one)
    screen = _screen(qtbot, session)
    screen.sessions.selectRow(0)

    def answer(dialog: SessionDialog) -> int:
        assert dialog.topic.text() == "安全用电" and dialog.starts.text() == "09:00"
        dialog.starts.setText("13:30")
        dialog.ends.setText("15:00")
        return 1

    monkeypatch.setattr(SessionDialog, "exec", answer)
    screen.move_session()
    moved = courses.sessions(session.desk.uow(), made.id)[0]
    assert (moved.starts_at, moved.ends_at, moved.hours) == ("13:30", "15:00", Decimal("1.5"))
    assert screen.sessions.item(0, 2).text() == "13:30-15:00"  # type: ignore[union-attr]
