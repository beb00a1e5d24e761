"""The check-in screen driven like a person and like a USB scanner would drive it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain.model import DeskContext
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from desktop.services.visits import queries as visit_queries
from desktop.storage.desk.repositories import PublicKeys
from ui.checkin.band import Tone
from ui.checkin.screen import CheckInScreen, State
from ui.members.form import MemberFormDialog
from ui.session.state import DeskSession

from .keys import HUMAN_DELAY_MS, type_text


def _member(session: DeskSession, ctx: DeskContext, name: str, phone: str) -> members.Member:
    form = members.MemberForm(name=name, phone=phone, occupation="外卖骑手", consent=True)
    return members.register_member(form, session.desk.uow(), ctx)


def _screen(qtbot: QtBot, session: DeskSession) -> CheckInScreen:
    screen = CheckInScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def test_type_pick_confirm_records_a_visit(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    _member(session, ctx, "张三", "13800138000")
    _member(session, ctx, "李四", "13900139000")
    screen = _screen(qtbot, session)

    type_text(qtbot, screen.search, "zs", HUMAN_DELAY_MS)
    assert [m.name for m in screen._hits] == ["张三"]
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.state is State.CONFIRM
    assert screen.band.tone is Tone.ASK
    qtbot.keyClick(screen.search, Qt.Key.Key_3)  # toggles e-bike charging on
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)

    assert screen.band.tone is Tone.OK
    assert "张三" in screen.band.title.text() and "第 1 次" in screen.band.title.text()
    assert screen.state is State.SEARCH and screen.search.text() == ""
    visits = visit_queries.recent_visits(session.desk.uow())
    assert len(visits) == 1 and visits[0].services == ("water", "rest", "charging")
    assert screen.today.table.rowCount() == 1


def test_arrow_keys_choose_among_results(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    _member(session, ctx, "王芳", "13800001111")
    _member(session, ctx, "王方", "13800002222")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "wangf", HUMAN_DELAY_MS)
    assert len(screen._hits) == 2
    second = screen._hits[1]
    qtbot.keyClick(screen.search, Qt.Key.Key_Down)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.picked == second


def test_phone_tail_finds_member(qtbot: QtBot, session: DeskSession, ctx: DeskContext) -> None:
    _member(session, ctx, "赵六", "13712345678")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "5678", HUMAN_DELAY_MS)
    assert [m.name for m in screen._hits] == ["赵六"]


def test_scanner_burst_checks_in_directly(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    member = _member(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, member.member_number)  # no delay: a scanner burst
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK
    assert "张三" in screen.band.title.text()
    assert visit_queries.today_summary(session.desk.uow()).visits == 1

    # The same card again at once: orange, nothing recorded until Enter confirms.
    type_text(qtbot, screen.search, member.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.REPEAT
    assert visit_queries.today_summary(session.desk.uow()).visits == 1
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK and "第 2 次" in screen.band.title.text()
    assert visit_queries.today_summary(session.desk.uow()).visits == 2


def test_unknown_scan_is_refused_in_red_and_records_nothing(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    _member(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    for garbage in ("HTTPS://EXAMPLE.COM/T?X=1", "\u00ff\u00fe乱码abcdef", "ZZZZZZ-9999"):
        type_text(qtbot, screen.search, garbage)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
        assert screen.band.tone is Tone.ERROR, garbage
    assert visit_queries.today_summary(session.desk.uow()).visits == 0


def test_deactivated_member_is_refused_with_the_reason(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    member = _member(session, ctx, "张三", "13800138000")
    members.set_member_active(member.id, False, "已离开本市", session.desk.uow(), ctx)
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, member.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.ERROR
    assert "已离开本市" in screen.band.detail.text()
    assert visit_queries.today_summary(session.desk.uow()).visits == 0


def test_not_found_then_walk_in_registration_checks_in(qtbot: QtBot, session: DeskSession) -> None:
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "孙七", HUMAN_DELAY_MS)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.ERROR and "F2" in screen.band.detail.text()

    type_text(qtbot, screen.search, "孙七", HUMAN_DELAY_MS)

    def fill_form() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MemberFormDialog)
        assert dialog.name.text() == "孙七"  # what was typed carries over
        dialog.phone.setText("１３６ ００１３ ６０００")  # full-width, spaced
        dialog.consent.setChecked(True)
        dialog.save()

    asked: list[str] = []
    printed: list[bytes] = []
    screen.ask_print_card = lambda member: asked.append(member.name) or True
    screen.show_pdf = lambda pdf, title: printed.append(pdf) or True  # sent
    QTimer.singleShot(0, fill_form)
    screen.register_walk_in()
    assert screen.band.tone is Tone.OK and "孙七" in screen.band.title.text()
    # The desk asks (the default) whether to print the new member's card, and prints it.
    assert asked == ["孙七"] and printed and printed[0].startswith(b"%PDF")
    found = member_queries.search_members(session.desk.uow(), "sq")
    assert [m.phone for m in found] == ["13600136000"]


def test_walk_in_form_refuses_bad_phone_and_keeps_the_input(
    qtbot: QtBot, session: DeskSession
) -> None:
    dialog = MemberFormDialog(session, prefill="周八")
    qtbot.addWidget(dialog)
    dialog.phone.setText("1380013")
    dialog.consent.setChecked(True)
    dialog.save()
    assert dialog.saved_member is None
    assert "11 位" in dialog.error.text()
    assert dialog.name.text() == "周八" and dialog.phone.text() == "1380013"


def test_undo_voids_the_latest_visit(qtbot: QtBot, session: DeskSession, ctx: DeskContext) -> None:
    member = _member(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, member.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert visit_queries.today_summary(session.desk.uow()).visits == 1

    screen.today.ask_void_reason = lambda visit: "误操作"
    screen.today.select_row(0)
    screen.today.undo_button.click()
    assert visit_queries.today_summary(session.desk.uow()).visits == 0
    latest = visit_queries.recent_visits(session.desk.uow())
    assert latest[0].voided and latest[0].void_reason == "误操作"
    assert "已撤销" in screen.today.table.item(0, 1).text()


def test_anonymous_count(qtbot: QtBot, session: DeskSession) -> None:
    screen = _screen(qtbot, session)
    screen.ask_anonymous_occupation = lambda: "快递员"
    screen.count_anonymous()
    summary = visit_queries.today_summary(session.desk.uow())
    assert summary.visits == 1 and summary.anonymous == 1
    assert screen.band.tone is Tone.OK


def test_threaded_double_enter_records_one_visit(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    from ui import tasks

    tasks.set_synchronous(False)
    _member(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "zs", HUMAN_DELAY_MS)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)  # impatient: before the write is back
    qtbot.waitUntil(lambda: screen.band.tone is Tone.OK, timeout=3000)
    qtbot.wait(100)
    assert visit_queries.today_summary(session.desk.uow()).visits == 1
    assert screen.band.tone is Tone.OK


def _names_and_services(session: DeskSession) -> list[tuple[str | None, tuple[str, ...]]]:
    return [
        (v.member_name, v.services)
        for v in reversed(visit_queries.recent_visits(session.desk.uow()))
    ]


def test_a_card_scanned_during_a_repeat_question_checks_in_that_card(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _member(session, ctx, "张三", "13800138000")
    li = _member(session, ctx, "李四", "13900139000")
    screen = _screen(qtbot, session)
    for _ in range(2):
        type_text(qtbot, screen.search, zhang.member_number)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.state is State.REPEAT
    # Nobody answers the orange question; the next person scans their card.
    type_text(qtbot, screen.search, li.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert [name for name, _ in _names_and_services(session)] == ["张三", "李四"]
    assert screen.band.tone is Tone.OK and "李四" in screen.band.title.text()


def test_a_card_scanned_while_a_typed_pick_waits_checks_in_that_card(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    _member(session, ctx, "张三", "13800138000")
    li = _member(session, ctx, "李四", "13900139000")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "zs", HUMAN_DELAY_MS)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.state is State.CONFIRM
    type_text(qtbot, screen.search, li.member_number)  # digits too: not service keys here
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert _names_and_services(session) == [("李四", ("water", "rest"))]


def test_a_number_key_typed_by_a_person_still_toggles_a_service(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    _member(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "zs", HUMAN_DELAY_MS)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    type_text(qtbot, screen.search, "2", HUMAN_DELAY_MS)  # rest off
    type_text(qtbot, screen.search, "6", HUMAN_DELAY_MS)  # toilet on
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert _names_and_services(session) == [("张三", ("water", "toilet"))]


def test_a_card_scanned_while_the_last_one_is_being_written_is_not_lost(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    import sqlite3

    from ui import tasks

    zhang = _member(session, ctx, "张三", "13800138000")
    li = _member(session, ctx, "李四", "13900139000")
    screen = _screen(qtbot, session)
    tasks.set_synchronous(False)
    # Another program (a CLI script, say) holds the write lock for a moment.
    other = sqlite3.connect(session.desk.paths.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        type_text(qtbot, screen.search, zhang.member_number)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
        qtbot.wait(50)
        type_text(qtbot, screen.search, li.member_number)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
        qtbot.wait(200)
    finally:
        other.execute("COMMIT")
        other.close()
    qtbot.waitUntil(lambda: len(_names_and_services(session)) == 2, timeout=5000)
    assert [name for name, _ in _names_and_services(session)] == ["张三", "李四"]
    qtbot.waitUntil(lambda: "李四" in screen.band.title.text(), timeout=3000)


def test_undo_acts_on_the_visit_selected_even_after_new_ones_arrive(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _member(session, ctx, "张三", "13800138000")
    li = _member(session, ctx, "李四", "13900139000")
    wang = _member(session, ctx, "王五", "13700137000")
    screen = _screen(qtbot, session)
    for person in (zhang, li):
        type_text(qtbot, screen.search, person.member_number)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    screen.today.select_row(1)  # 张三, below 李四
    type_text(qtbot, screen.search, wang.member_number)  # meanwhile 王五 comes in on top
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    asked: list[str | None] = []
    screen.today.ask_void_reason = lambda visit: asked.append(visit.member_name) or "误操作"
    qtbot.mouseClick(screen.today.undo_button, Qt.MouseButton.LeftButton)
    assert asked == ["张三"]
    voided = [v.member_name for v in visit_queries.recent_visits(session.desk.uow()) if v.voided]
    assert voided == ["张三"]
    # The keyboard is still the input's: the next scan is not lost.
    assert not screen.today.undo_button.hasFocus()
    type_text(qtbot, screen.search, li.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert "李四" in screen.band.title.text()


def test_member_cards_at_the_desk(qtbot: QtBot, session: DeskSession, ctx: DeskContext) -> None:
    """A valid card checks in; a lost one, an altered one, another system's code: red."""
    import uuid

    from desktop.identity.keys import generate_private_key, public_key_bytes
    from desktop.identity.tokens import sign_card
    from desktop.services.cards import commands as cards

    zhang = _member(session, ctx, "张三", "13800138000")
    desk = session.desk
    card = cards.card_to_print(zhang.id, desk.uow(), ctx, desk.keys)
    screen = _screen(qtbot, session)

    def scan(text: str) -> None:
        type_text(qtbot, screen.search, text)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)

    scan(card.qr_text.lower())  # scanners in lower-case mode, too
    assert screen.band.tone is Tone.OK and "张三" in screen.band.title.text()

    altered = card.qr_text[:-6] + ("A" if card.qr_text[-6] != "A" else "B") + card.qr_text[-5:]
    scan(altered)
    assert screen.band.tone is Tone.ERROR and "无法识别" in screen.band.detail.text()

    cards.report_lost(zhang.id, "丢了", desk.uow(), ctx)
    scan(card.qr_text)
    assert screen.band.tone is Tone.ERROR and "挂失" in screen.band.detail.text()

    # A card from a station this desk learned about (as sync will teach it), for a member
    # registered there: recorded against that member's id on a placeholder record.
    other_key = generate_private_key()
    with desk.uow() as uow:
        uow.repo(PublicKeys).add(
            "K7QX2M", public_key_bytes(other_key), "pulled", "2026-11-01T00:00:00.000000Z"
        )
        uow.commit()
    stranger = str(uuid.uuid4())
    scan(sign_card(stranger, 1, "K7QX2M", other_key))
    assert screen.band.tone is Tone.OK
    visits = visit_queries.recent_visits(desk.uow())
    assert visits[0].member_id == stranger

    # A card from a device nobody told this desk about: refused unless the desk accepts them.
    unknown_key = generate_private_key()
    scan(sign_card(str(uuid.uuid4()), 1, "ZZZZZZ", unknown_key))
    assert screen.band.tone is Tone.ERROR and "ZZZZZZ" in screen.band.detail.text()
    assert visit_queries.today_summary(desk.uow()).visits == 2


def _stamped_keys(qtbot: QtBot, widget: QWidget, text: str, start_ms: int, gap_ms: int) -> None:
    """Keys as the keyboard sent them: each carries its own timestamp."""
    for i, char in enumerate(text):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(start_ms + i * gap_ms)
            QApplication.sendEvent(widget, event)


def test_key_timestamps_decide_scanner_or_person_however_late_they_are_handled(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _member(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    # A person's keys (150 ms apart) that waited while the desk was busy, then arrived all
    # at once: still typing, so Enter picks from the list and records nothing yet.
    _stamped_keys(qtbot, screen.search, zhang.member_number, 5_000_000, 150)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.state is State.CONFIRM
    assert visit_queries.today_summary(session.desk.uow()).visits == 0
    qtbot.keyClick(screen.search, Qt.Key.Key_Escape)
    # A scanner's keys (3 ms apart) handled slowly (the machine is loaded): still a scan.
    for i, char in enumerate(zhang.member_number):
        _stamped_keys(qtbot, screen.search, char, 6_000_000 + 3 * i, 0)
        qtbot.wait(20)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK
    assert visit_queries.today_summary(session.desk.uow()).visits == 1


def test_a_number_key_after_a_name_toggles_the_highlighted_persons_service(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    _member(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "张", HUMAN_DELAY_MS)
    type_text(qtbot, screen.search, "3", HUMAN_DELAY_MS)  # not "张3" (nobody): charging on
    assert screen.state is State.CONFIRM and screen.picked is not None
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)  # one Enter records
    assert _names_and_services(session) == [("张三", ("water", "rest", "charging"))]
    # A phone tail keeps its digits: they search, they toggle nothing.
    type_text(qtbot, screen.search, "8000", HUMAN_DELAY_MS)
    assert screen.state is State.SEARCH and screen.search.text() == "8000"
    assert [m.name for m in screen._hits] == ["张三"]


def test_a_walk_in_is_registered_and_checked_in_in_fifteen_keystrokes(
    qtbot: QtBot, session: DeskSession
) -> None:
    """F2, the name, the phone, Enter (the consent, read out on the button): every key
    counted, as a person would press them."""
    screen = _screen(qtbot, session)
    keys: list[str] = []

    def press(widget: QWidget, key: Qt.Key) -> None:
        keys.append(str(key))
        qtbot.keyClick(widget, key)

    def typed(widget: QWidget, text: str) -> None:
        keys.extend(text)
        type_text(qtbot, widget, text, HUMAN_DELAY_MS)

    def fill_form() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MemberFormDialog)
        QTimer.singleShot(10_000, dialog.reject)  # a failed step must not hang the test
        assert "同意" in dialog.save_button.text() and dialog.save_button.isDefault()
        # Keys go to the field that has the focus; the first digit moves it to the phone.
        typed(dialog.name, "孙七13600136000")  # no Tab
        assert dialog.phone.text() == "13600136000" and dialog.name.text() == "孙七"
        assert dialog.focusWidget() is dialog.phone
        press(dialog.phone, Qt.Key.Key_Return)

    screen.ask_print_card = lambda _member: False
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.search, timeout=2000)
    QTimer.singleShot(0, fill_form)
    keys.append("F2")
    qtbot.keyClick(screen, Qt.Key.Key_F2)
    assert screen.band.tone is Tone.OK and "孙七" in screen.band.title.text()
    assert len(keys) <= 15, keys
    found = member_queries.search_members(session.desk.uow(), "sq")
    assert [(m.phone, m.consent_at is not None) for m in found] == [("13600136000", True)]
    assert screen.focusWidget() is screen.search  # the window's cursor: back in the field


def test_a_phone_already_on_file_defaults_to_that_person_not_to_save_anyway(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    zhang = _member(session, ctx, "张三", "13800138000")
    dialog = MemberFormDialog(session, prefill="张山")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.phone, "13800138000", HUMAN_DELAY_MS)
    qtbot.waitUntil(dialog.duplicates.isVisible, timeout=2000)
    assert dialog.open_existing.isDefault() and not dialog.save_button.isDefault()
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)  # Enter: that is this person
    assert dialog.opened_existing == zhang and dialog.saved_member == zhang
    assert len(member_queries.search_members(session.desk.uow(), "zs")) == 1


def test_no_consent_registers_a_name_alone_and_refuses_to_keep_a_phone(
    qtbot: QtBot, session: DeskSession
) -> None:
    dialog = MemberFormDialog(session, prefill="周八")
    qtbot.addWidget(dialog)
    dialog.phone.setText("13800138000")
    assert dialog.name_only_button is not None
    dialog.name_only_button.click()
    assert dialog.saved_member is None and "同意" in dialog.error.text()
    dialog.phone.clear()
    dialog.name_only_button.click()
    assert dialog.saved_member is not None and dialog.saved_member.consent_at is None
