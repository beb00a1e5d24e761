"""The attendance desk at the door, driven like a USB scanner and a person would drive it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.domain.model import DeskContext, Member
from desktop.domain.training import AttendanceStatus
from desktop.services.cards import commands as cards
from desktop.services.members import commands as members
from desktop.services.training import attendance, courses, rosters
from ui.checkin.band import Tone
from ui.session.state import DeskSession
from ui.training.door_screen import DoorScreen

from .keys import HUMAN_DELAY_MS, type_text

TOMORROW = date.today() + timedelta(days=1)


def _people(session: DeskSession, ctx: DeskContext, n: int) -> list[Member]:
    out = []
    names = [s + g for s in "张王李赵刘陈杨黄" for g in "伟芳娜敏静"]
    for i in range(n):
        form = members.MemberForm(
            name=names[i], phone=f"139{i:08d}", occupation="快递员", consent=True
        )
        out.append(members.register_member(form, session.desk.uow(), ctx))
    return out


def _course(
    session: DeskSession, ctx: DeskContext, people: list[Member], day: date = TOMORROW, **kw: str
) -> courses.CourseSession:
    made = courses.create_course(
        courses.CourseForm(title="母婴护理", **kw),  # type: ignore[arg-type]
        session.desk.uow(),
        ctx,
        (courses.SessionForm(day, "09:00", "11:00"), courses.SessionForm(day, "14:00", "16:00")),
    )
    for member in people:
        rosters.enrol(made.id, "", session.desk.uow(), ctx, member_id=member.id)
    return courses.sessions(session.desk.uow(), made.id)[0]


def _screen(qtbot: QtBot, session: DeskSession, session_id: str) -> DoorScreen:
    screen = DoorScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    screen.open_session(session_id)
    return screen


def scan(qtbot: QtBot, screen: DoorScreen, text: str) -> None:
    type_text(qtbot, screen.search, text)  # no delay: a scanner burst
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)


def test_a_burst_of_card_scans_marks_everyone_once(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx, 12)
    held = _course(session, ctx, people)
    tokens = [
        cards.card_to_print(m.id, session.desk.uow(), ctx, session.desk.keys).qr_text
        for m in people
    ]
    screen = _screen(qtbot, session, held.id)
    for token in tokens:
        scan(qtbot, screen, token)
        assert screen.band.tone is Tone.OK
    assert "第 1/2 课时" in screen.band.title.text()
    counts = attendance.counters(session.desk.uow(), held.id)
    assert (counts.expected, counts.present, counts.not_arrived) == (12, 12, 0)
    assert "已到 12" in screen.counters.text()

    scan(qtbot, screen, tokens[3])  # the same card again: harmless, and it says so
    assert screen.band.tone is Tone.REPEAT and "无需重复扫码" in screen.band.title.text()
    assert attendance.counters(session.desk.uow(), held.id).present == 12


def test_a_scan_queued_while_writing_is_marked_next(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx, 2)
    held = _course(session, ctx, people)
    screen = _screen(qtbot, session, held.id)
    screen.scans.start()  # a mark is being written
    scan(qtbot, screen, people[1].member_number)
    assert (
        screen.scans.waiting == 1 and attendance.counters(session.desk.uow(), held.id).present == 0
    )
    screen.scans.stop()
    scan(qtbot, screen, people[0].member_number)
    assert attendance.counters(session.desk.uow(), held.id).present == 2


def test_typed_name_marks_late_after_the_grace_period(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx, 1)
    held = _course(session, ctx, people, day=date.today() - timedelta(days=1))
    screen = _screen(qtbot, session, held.id)
    type_text(qtbot, screen.search, "zhangwei", HUMAN_DELAY_MS)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.REPEAT and "迟到" in screen.band.title.text()
    line = attendance.session_sheet(session.desk.uow(), held.id)[0]
    assert line.status is AttendanceStatus.LATE


def test_walk_in_is_offered_enrolled_on_enter_or_refused_on_escape(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx, 3)
    held = _course(session, ctx, people[:1])
    screen = _screen(qtbot, session, held.id)
    scan(qtbot, screen, people[1].member_number)
    assert screen.band.tone is Tone.ASK and "不在本班名单中" in screen.band.title.text()
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK and "现场加入" in screen.band.title.text()
    scan(qtbot, screen, people[2].member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Escape)
    assert screen.band.tone is Tone.ERROR
    counts = attendance.counters(session.desk.uow(), held.id)
    assert (counts.expected, counts.present, counts.walk_ins) == (2, 1, 1)


def test_a_course_without_walk_ins_refuses_in_red(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx, 2)
    held = _course(session, ctx, people[:1], walk_ins="refuse")
    screen = _screen(qtbot, session, held.id)
    scan(qtbot, screen, people[1].member_number)
    assert screen.band.tone is Tone.ERROR and "不接受现场加入" in screen.band.title.text()


@pytest.mark.parametrize("note", ["孩子生病"])
def test_excused_with_a_note_then_close_marks_the_rest_absent(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, note: str
) -> None:
    people = _people(session, ctx, 4)
    held = _course(session, ctx, people)
    screen = _screen(qtbot, session, held.id)
    scan(qtbot, screen, people[0].member_number)
    screen.sheet.selectRow(1)
    screen.ask_note = lambda name: note
    screen.excuse_selected()
    assert screen.band.tone is Tone.OK and "请假" in screen.band.title.text()
    screen.close_session(confirm=False)
    counts = attendance.counters(session.desk.uow(), held.id)
    assert (counts.present, counts.excused, counts.absent, counts.not_arrived) == (1, 1, 2, 0)
    assert "缺勤 2" in screen.counters.text()
    scan(qtbot, screen, people[2].member_number)  # after closing: refused in words
    assert screen.band.tone is Tone.ERROR and "已结束签到" in screen.band.detail.text()


def test_the_sign_in_sheet_is_a_pdf_of_the_roster(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx, 3)
    held = _course(session, ctx, people)
    screen = _screen(qtbot, session, held.id)
    shown: list[bytes] = []
    screen.show_pdf = lambda pdf, title: shown.append(pdf)
    screen.print_sheet()
    assert len(shown) == 1 and shown[0].startswith(b"%PDF")


def test_a_card_scanned_while_a_walk_in_is_offered_serves_the_next_person(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    people = _people(session, ctx, 3)
    held = _course(session, ctx, people[:1])
    screen = _screen(qtbot, session, held.id)
    scan(qtbot, screen, people[1].member_number)
    assert screen.band.tone is Tone.ASK
    scan(qtbot, screen, people[0].member_number)  # the next in the queue, not an answer
    assert screen.band.tone is Tone.OK and people[0].name in screen.band.title.text()
    counts = attendance.counters(session.desk.uow(), held.id)
    assert (counts.expected, counts.present, counts.walk_ins) == (1, 1, 0)


def test_closing_asks_first_enter_keeps_it_open_and_absent_rows_show_no_time(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    people = _people(session, ctx, 3)
    held = _course(session, ctx, people, day=date.today() - timedelta(days=1))
    screen = _screen(qtbot, session, held.id)
    scan(qtbot, screen, people[0].member_number)  # late (the session was yesterday)
    asked: list[str] = []

    def answer(key: Qt.Key) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, lambda: answer(Qt.Key.Key_Return))  # Enter: the safe answer
    screen.close_session()
    assert "2 人将记为缺勤" in asked[0]
    assert attendance.counters(session.desk.uow(), held.id).absent == 0
    assert "已到 1（其中迟到 1）" in screen.counters.text()

    def close_it() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()  # said on purpose

    QTimer.singleShot(0, close_it)
    screen.close_session()
    assert attendance.counters(session.desk.uow(), held.id).absent == 2
    times = {screen.sheet.item(r, 0).text(): screen.sheet.item(r, 3).text() for r in range(3)}
    assert times[people[0].name] != "" and times[people[1].name] == times[people[2].name] == ""


def test_without_a_session_the_door_buttons_are_off(qtbot: QtBot, session: DeskSession) -> None:
    screen = DoorScreen(session)
    qtbot.addWidget(screen)
    assert screen.session_id is None
    assert not any(
        b.isEnabled() for b in (screen.excuse_button, screen.close_button, screen.sheet_button)
    )
