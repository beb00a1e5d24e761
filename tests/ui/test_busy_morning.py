"""A busy morning at the station, driven through the real window like the attendant and a
USB scanner drive it: 60 people in one go, and every one of them recorded exactly once.

Scanner bursts of signed cards and of member numbers, typed phone tails with a service key,
walk-ins registered with F2, the same card scanned twice within the repeat window, a card
scanned on the members tab, one scanned while a dialog is open and one while the previous
visit is still being written (another program holding the database's write lock).
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext, Device, Member, Operator
from desktop.services.cards import commands as cards
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from desktop.services.visits import queries as visit_queries
from ui import tasks
from ui.checkin.band import Tone
from ui.checkin.screen import State
from ui.members.form import MemberFormDialog
from ui.shell import Shell

from .keys import HUMAN_DELAY_MS, type_text

REGULARS = 55
WALK_INS = 5


def _regulars(desk: Desk, ctx: DeskContext) -> list[Member]:
    surnames, given = "张王李赵刘陈杨黄周吴徐", "伟芳娜敏静"
    people = []
    for i in range(REGULARS):
        name = surnames[i % len(surnames)] + given[i // len(surnames)] + "某"
        form = members.MemberForm(
            name=name, phone=f"1390000{i:04d}", occupation="外卖骑手", consent=True
        )
        people.append(members.register_member(form, desk.uow(), ctx))
    return people


def test_a_busy_morning_records_every_visit_exactly_once(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    people = _regulars(desk, ctx)
    tokens = {
        m.id: cards.card_to_print(m.id, desk.uow(), ctx, desk.keys).qr_text for m in people[:30]
    }
    device, admin = station
    shell = Shell(desk, device)
    qtbot.addWidget(shell)
    shell.resize(1366, 768)
    shell.show()
    shell.start_duty(admin)
    screen = shell.checkin_screen
    assert screen is not None and shell.tabs is not None
    screen.ask_print_card = lambda _member: False
    box = screen.search

    def scan(text: str) -> None:
        type_text(qtbot, box, text)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    def served(name: str) -> None:
        assert screen.band.tone is Tone.OK, (name, screen.band.title.text())
        assert name in screen.band.title.text()

    # 7:30: the first 20 riders scan their cards, one after another.
    for person in people[:20]:
        scan(tokens[person.id])
        served(person.name)

    # One of them scans again at once: orange, nothing recorded; Esc, and on.
    scan(tokens[people[3].id])
    assert screen.band.tone is Tone.REPEAT and screen.state is State.REPEAT
    qtbot.keyClick(box, Qt.Key.Key_Escape)

    # Ten more without cards: the phone tail typed, a service key (3: charging), Enter.
    for person in people[20:30]:
        type_text(qtbot, box, person.phone[-4:], HUMAN_DELAY_MS)
        assert [m.id for m in screen._hits] == [person.id]
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert screen.state is State.CONFIRM
        qtbot.keyClick(box, Qt.Key.Key_3)
        qtbot.keyClick(box, Qt.Key.Key_Return)
        served(person.name)

    # Ten member numbers scanned off paper lists (a burst of the number).
    for person in people[30:40]:
        scan(person.member_number)
        served(person.name)

    # Five walk-ins: not found, F2, the phone, Enter; a card scanned while one's form is open
    # waits for the form to close.
    waiting_card = people[40]
    cards_meanwhile = cards.card_to_print(waiting_card.id, desk.uow(), ctx, desk.keys).qr_text
    for n in range(WALK_INS):
        name = "新" + "一二三四五"[n] + "号"

        def fill_form(n: int = n) -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, MemberFormDialog)
            QTimer.singleShot(10_000, dialog.reject)  # a failed step must not hang the test
            if n == 2:  # the next rider's card, scanned into the open form
                dialog.phone.setFocus()
                qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.phone)
                type_text(qtbot, dialog.phone, cards_meanwhile)
                qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)
                assert dialog.phone.text() == "" and dialog.isVisible()
            type_text(qtbot, dialog.phone, f"1370000{n:04d}", HUMAN_DELAY_MS)
            qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)

        type_text(qtbot, box, name, HUMAN_DELAY_MS)
        QTimer.singleShot(0, fill_form)
        screen.register_walk_in()
        served(name)
        if n == 2:
            qtbot.waitUntil(lambda: waiting_card.name in screen.band.title.text(), timeout=3000)

    # The attendant looks someone up on the members tab; a card is scanned there.
    shell.tabs.setCurrentWidget(shell.members_screen)
    shell.activateWindow()  # back from the dialogs (a window manager does this itself)
    shell.members_screen.filter.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is shell.members_screen.filter)
    type_text(qtbot, shell.members_screen.filter, "zhang", HUMAN_DELAY_MS)
    visitor = people[41]
    type_text(qtbot, shell.members_screen.filter, visitor.member_number)
    qtbot.keyClick(shell.members_screen.filter, Qt.Key.Key_Return)
    assert shell.tabs.currentWidget() is screen
    served(visitor.name)
    assert shell.members_screen.filter.text() == "zhang"

    # 8:00 rush, with another program holding the write lock: cards scanned while the
    # last visit is still being written wait their turn.
    tasks.set_synchronous(False)
    other = sqlite3.connect(desk.paths.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for person in people[42:REGULARS]:
            scan(person.member_number)
        qtbot.wait(150)
    finally:
        other.execute("COMMIT")
        other.close()
    last = people[REGULARS - 1]
    qtbot.waitUntil(lambda: last.name in screen.band.title.text(), timeout=10_000)
    tasks.set_synchronous(True)

    visits = visit_queries.recent_visits(desk.uow(), limit=500)
    by_member: dict[str | None, int] = {}
    for visit in visits:
        by_member[visit.member_id] = by_member.get(visit.member_id, 0) + 1
    assert len(visits) == REGULARS + WALK_INS == 60
    assert set(by_member.values()) == {1}, {k: v for k, v in by_member.items() if v != 1}
    assert {m.id for m in people} <= set(by_member)
    for n in range(WALK_INS):
        found = member_queries.search_members(desk.uow(), "新" + "一二三四五"[n] + "号")
        assert [m.phone for m in found] == [f"1370000{n:04d}"] and found[0].id in by_member
    charged = [v for v in visits if "charging" in v.services]
    assert {v.member_id for v in charged} == {m.id for m in people[20:30]}
