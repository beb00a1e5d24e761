"""The member list: paging, sorting, filtering, register/edit/deactivate from the table."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.demo import generate
from desktop.domain.model import DeskContext, Member, Role
from desktop.domain.pinyin import sort_key
from desktop.services.desk import operators
from desktop.services.desk.operators import OperatorForm
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from ui import tasks
from ui.members.form import MemberFormDialog
from ui.members.list_model import PAGE_SIZE, MemberListModel
from ui.members.list_screen import MembersScreen
from ui.session.state import DeskSession

from .keys import type_text

DEMO_MEMBERS = 2 * PAGE_SIZE + 50  # three pages, the last one partly filled
NAME, PHONE, STATUS = 1, 2, 6
# A load off the UI thread takes well under a second; 5 s ran out once in wave 1 with the
# shared machine at a load of 7. The wait ends as soon as the load does.
LOAD_MS = 60_000


@pytest.fixture
def demo(desk: Desk, ctx: DeskContext) -> None:
    generate(desk, ctx, members=DEMO_MEMBERS, seed=11)


def _register(session: DeskSession, ctx: DeskContext, name: str, phone: str = "") -> Member:
    form = members.MemberForm(name=name, phone=phone, occupation="快递员", consent=True)
    return members.register_member(form, session.desk.uow(), ctx)


def _screen(qtbot: QtBot, session: DeskSession) -> MembersScreen:
    screen = MembersScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def _text(model: MemberListModel, row: int, column: int) -> str:
    return str(model.data(model.index(row, column)))


def _names(model: MemberListModel) -> list[str]:
    return [_text(model, row, NAME) for row in range(model.rowCount())]


def test_counts_all_members_and_pages_rows_in(
    qtbot: QtBot, session: DeskSession, demo: None
) -> None:
    screen = _screen(qtbot, session)
    model = screen.model

    assert model.rowCount() == DEMO_MEMBERS
    assert screen.count_label.text() == f"共 {DEMO_MEMBERS} 位会员"
    ids = member_queries.member_ids(session.desk.uow(), "registered", descending=True)
    assert [model.member_id_at(0), model.member_id_at(DEMO_MEMBERS - 1)] == [ids[0], ids[-1]]
    rows = member_queries.member_rows(session.desk.uow(), [ids[0], ids[-1]])
    for row, member_id in ((0, ids[0]), (DEMO_MEMBERS - 1, ids[-1])):
        expected = rows[member_id]
        assert _text(model, row, 0) == expected.member_number
        assert _text(model, row, NAME) == expected.name
        assert re.fullmatch(r"1\d\d\*{4}\d{4}", _text(model, row, PHONE))
        assert _text(model, row, PHONE)[-4:] == (expected.phone or "")[-4:]
        assert _text(model, row, STATUS) == "在册"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", _text(model, row, 7))
    assert model.member_id_at(DEMO_MEMBERS) is None
    # Newest registrations first by default.
    assert _text(model, 0, 7) >= _text(model, DEMO_MEMBERS - 1, 7)


def test_sort_by_name_follows_pinyin_and_reverses(
    qtbot: QtBot, session: DeskSession, demo: None
) -> None:
    screen = _screen(qtbot, session)
    model = screen.model

    screen.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
    names = _names(model)
    keys = [sort_key(name) for name in names]
    assert keys == sorted(keys)
    assert [model.member_id_at(r) for r in range(3)] == member_queries.member_ids(
        session.desk.uow(), "name"
    )[:3]

    screen.table.sortByColumn(NAME, Qt.SortOrder.DescendingOrder)
    assert [sort_key(name) for name in _names(model)] == sorted(keys, reverse=True)


def test_clicking_a_column_that_cannot_sort_keeps_the_order(
    qtbot: QtBot, session: DeskSession, demo: None
) -> None:
    screen = _screen(qtbot, session)
    before = [screen.model.member_id_at(r) for r in range(5)]

    screen.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # tags

    header = screen.table.horizontalHeader()
    assert header.sortIndicatorSection() == 7
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert [screen.model.member_id_at(r) for r in range(5)] == before


def test_filter_by_pinyin_initials_then_clear(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, demo: None
) -> None:
    shan = _register(session, ctx, "单雄信", "13600001234")
    screen = _screen(qtbot, session)

    type_text(qtbot, screen.filter, "sxx")

    model = screen.model
    shown = {model.member_id_at(r) for r in range(model.rowCount())}
    assert shan.id in shown
    assert shown <= set(member_queries.member_ids(session.desk.uow(), typed="sxx"))
    assert screen.count_label.text().startswith(f"找到 {model.rowCount()} 位")

    screen.filter.clear()
    assert model.rowCount() == DEMO_MEMBERS + 1
    assert screen.count_label.text() == f"共 {DEMO_MEMBERS + 1} 位会员"


@pytest.fixture
def device_code_without_z(monkeypatch: pytest.MonkeyPatch) -> None:
    """Member numbers are searchable: a device code beginning with Z (1 in 32 when codes
    were random, as in wave 1) made "z" find 李六 by his member number Z…-0004 too. That was
    this test's one failure; proven by forcing such a code. Its code is now its own."""
    monkeypatch.setattr("desktop.services.desk.setup.new_device_code", lambda: "7KQ3M2")


def test_filter_matches_keep_the_chosen_sort(
    device_code_without_z: None, qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    for name in ("张三", "赵四", "周五", "李六"):
        _register(session, ctx, name)
    screen = _screen(qtbot, session)
    screen.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)

    type_text(qtbot, screen.filter, "z")

    assert _names(screen.model) == ["张三", "赵四", "周五"]


def test_filter_without_matches_says_so(qtbot: QtBot, session: DeskSession, demo: None) -> None:
    screen = _screen(qtbot, session)

    type_text(qtbot, screen.filter, "qqqxxx")

    assert screen.model.rowCount() == 0
    assert "没有找到“qqqxxx”" in screen.count_label.text()


def test_deactivate_with_a_reason_then_reactivate(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = _register(session, ctx, "张三", "13800138000")
    screen = _screen(qtbot, session)
    assert screen.select_member(member.id)
    assert screen.active_button.text() == "停用"
    monkeypatch.setattr(screen, "ask_reason", lambda: "搬走了")

    qtbot.mouseClick(screen.active_button, Qt.MouseButton.LeftButton)

    stored = members.resolve_member(session.desk.uow(), member.id)
    assert not stored.active and stored.deactivated_reason == "搬走了"
    row = screen.model.row_of(member.id)
    assert row is not None and _text(screen.model, row, STATUS) == "已停用"
    grey = QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert screen.model.data(screen.model.index(row, NAME), Qt.ItemDataRole.ForegroundRole) == grey
    assert screen.active_button.text() == "恢复"
    assert "张三" in screen.notice.text()

    monkeypatch.setattr(screen, "confirm_reactivate", lambda: True)
    qtbot.mouseClick(screen.active_button, Qt.MouseButton.LeftButton)

    assert members.resolve_member(session.desk.uow(), member.id).active
    assert _text(screen.model, row, STATUS) == "在册"


def test_cancelling_the_reason_changes_nothing(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = _register(session, ctx, "张三")
    screen = _screen(qtbot, session)
    screen.select_member(member.id)
    monkeypatch.setattr(screen, "ask_reason", lambda: None)

    screen.toggle_active()

    assert members.resolve_member(session.desk.uow(), member.id).active


def test_attendants_cannot_deactivate(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = _register(session, ctx, "张三")
    attendant = operators.add_operator(
        OperatorForm("李值班", Role.ATTENDANT, "1357"), session.desk.uow(), ctx
    )
    screen = _screen(qtbot, DeskSession(session.desk, session.device, attendant))
    screen.select_member(member.id)

    assert screen.edit_button.isEnabled()
    assert not screen.active_button.isEnabled()
    monkeypatch.setattr(screen, "ask_reason", lambda: "搬走了")
    screen.toggle_active()
    assert members.resolve_member(session.desk.uow(), member.id).active


def _while_open(act: Callable[[MemberFormDialog], None]) -> list[MemberFormDialog]:
    """Run ``act`` on the real member form once it is open (it is modal); return it."""
    seen: list[MemberFormDialog] = []

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MemberFormDialog)
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, step)
    return seen


def test_register_passes_the_filter_and_selects_the_new_member(
    qtbot: QtBot, session: DeskSession, demo: None
) -> None:
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.filter, "刘新")

    def fill(dialog: MemberFormDialog) -> None:
        assert dialog.name.text() == "刘新"  # the filter text carried over
        dialog.save()

    seen = _while_open(fill)
    offered: list[str] = []
    screen.ask_print_card = lambda name: offered.append(name) and False
    qtbot.mouseClick(screen.register_button, Qt.MouseButton.LeftButton)
    assert offered == ["刘新"]  # the desk asks (the default) whether to print the card

    assert seen and seen[0].saved_member is not None
    assert screen.filter.text() == ""
    assert screen.model.rowCount() == DEMO_MEMBERS + 1
    selected = screen.selected_member_id()
    assert selected is not None
    assert members.resolve_member(session.desk.uow(), selected).name == "刘新"


def test_choosing_a_likely_duplicate_selects_the_existing_member(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    existing = members.register_member(
        members.MemberForm(name="张三", phone="13800138000", consent=True),
        session.desk.uow(),
        ctx,
    )
    screen = _screen(qtbot, session)

    def same_phone(dialog: MemberFormDialog) -> None:
        dialog.name.setText("张三")
        dialog.phone.setText("138 0013 8000")
        dialog.check_duplicates()
        assert "手机号相同" in dialog.duplicates.text()
        dialog.open_existing.click()

    _while_open(same_phone)
    qtbot.mouseClick(screen.register_button, Qt.MouseButton.LeftButton)

    assert screen.model.rowCount() == 1  # nothing new registered
    assert screen.selected_member_id() == existing.id
    assert "已是会员" in screen.notice.text()


def test_double_click_opens_the_member_for_editing(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    member = _register(session, ctx, "张三")
    screen = _screen(qtbot, session)
    row = screen.model.row_of(member.id)
    assert row is not None
    rect = screen.table.visualRect(screen.model.index(row, NAME))

    def rename(dialog: MemberFormDialog) -> None:
        assert dialog.member is not None and dialog.member.id == member.id
        dialog.employer.setText("美团")
        dialog.save()

    seen = _while_open(rename)
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert len(seen) == 1
    saved = members.resolve_member(session.desk.uow(), member.id)
    assert saved.employer == "美团" and saved.version == member.version + 1


def test_loads_off_the_ui_thread(qtbot: QtBot, session: DeskSession, demo: None) -> None:
    tasks.set_synchronous(False)
    screen = MembersScreen(session)
    qtbot.addWidget(screen)
    if screen.model.loading:
        with qtbot.waitSignal(screen.model.modelReset, timeout=LOAD_MS):
            pass
    assert screen.model.rowCount() == DEMO_MEMBERS

    with qtbot.waitSignal(screen.model.modelReset, timeout=LOAD_MS):
        screen.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
    keys = [sort_key(name) for name in _names(screen.model)]
    assert keys == sorted(keys)


def test_refresh_keeps_the_selection_and_shows_new_members(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, demo: None
) -> None:
    screen = _screen(qtbot, session)
    chosen = screen.model.member_id_at(PAGE_SIZE + 3)
    assert chosen is not None and screen.select_member(chosen)
    _register(session, ctx, "刘新")

    screen.refresh()

    assert screen.model.rowCount() == DEMO_MEMBERS + 1
    assert screen.selected_member_id() == chosen
    assert screen.count_label.text() == f"共 {DEMO_MEMBERS + 1} 位会员"


def _decoded_tokens(pdf: bytes) -> list[str]:
    import pypdfium2
    import zxingcpp

    found: list[str] = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=300 / 72).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    return found


def test_print_a_card_then_a_reprint_needs_a_reason_then_the_unprinted_batch(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    from desktop.identity.tokens import Verdict
    from desktop.services.cards import identity

    zhang = _register(session, ctx, "张三")
    _register(session, ctx, "李四")
    screen = _screen(qtbot, session)
    shown: list[bytes] = []
    screen.show_pdf = lambda pdf, title: shown.append(pdf) or True  # sent to the printer
    assert screen.select_member(zhang.id)

    screen.print_button.click()
    [token] = _decoded_tokens(shown[-1])
    verdict = identity.verify_card_text(session.desk.uow(), token)
    assert verdict.verdict is Verdict.VALID and verdict.member_id == zhang.id

    asked: list[str] = []
    screen.ask_reprint_reason = lambda: asked.append("?") or None  # the person cancels
    screen.print_button.click()
    assert asked and len(shown) == 1  # nothing printed without a reason
    screen.ask_reprint_reason = lambda: "卡片损坏"
    screen.print_button.click()
    assert _decoded_tokens(shown[-1]) == [token]  # the same serial, the same signed text

    screen.print_unprinted_button.click()
    [other] = _decoded_tokens(shown[-1])
    assert identity.verify_card_text(session.desk.uow(), other).member_id != zhang.id


def test_report_a_card_lost_then_reissue_it(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    from desktop.identity.tokens import Verdict
    from desktop.services.cards import identity

    zhang = _register(session, ctx, "张三")
    screen = _screen(qtbot, session)
    shown: list[bytes] = []
    screen.show_pdf = lambda pdf, title: shown.append(pdf) or True  # sent to the printer
    screen.confirm_card_action = lambda question: True
    assert screen.select_member(zhang.id)
    screen.print_button.click()
    [first] = _decoded_tokens(shown[-1])

    screen.lost_action.trigger()
    assert identity.verify_card_text(session.desk.uow(), first).verdict is Verdict.BLOCKED
    assert "第 1 张" in screen.notice.text()

    screen.reissue_action.trigger()  # a new serial, printed at once
    [second] = _decoded_tokens(shown[-1])
    verdict = identity.verify_card_text(session.desk.uow(), second)
    assert verdict.verdict is Verdict.VALID and verdict.serial == 2


def test_print_the_cards_of_several_selected_members_in_one_job(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    from PySide6.QtCore import QItemSelectionModel

    people = [_register(session, ctx, name) for name in ("张三", "李四", "王五")]
    screen = _screen(qtbot, session)
    shown: list[bytes] = []
    screen.show_pdf = lambda pdf, title: shown.append(pdf) or True  # sent to the printer
    screen.ask_spoiled = lambda job: []  # everything came out right
    selection = screen.table.selectionModel()
    for person in people[:2]:
        row = screen.model.row_of(person.id)
        assert row is not None
        selection.select(
            screen.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    screen.print_button.click()
    assert len(_decoded_tokens(shown[-1])) == 2
