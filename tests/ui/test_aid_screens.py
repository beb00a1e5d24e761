"""The handout desk and the stock screen, driven like a person and a USB scanner would."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.domain.aid import Campaign
from desktop.domain.model import DeskContext, Member, Role
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.aid.campaigns import CampaignForm
from desktop.services.cards import commands as cards
from desktop.services.desk import operators
from desktop.services.members import commands as members
from ui.aid import handout_screen
from ui.aid.dialogs import OverrideDialog
from ui.aid.handout_screen import HandoutScreen, State
from ui.aid.stock_screen import StockForm, StockScreen
from ui.checkin.band import Tone
from ui.session.state import DeskSession

from .keys import HUMAN_DELAY_MS, type_text

LEAD_PIN = "1357"


def _member(session: DeskSession, ctx: DeskContext, name: str, phone: str) -> Member:
    form = members.MemberForm(name=name, phone=phone, occupation="环卫工人", consent=True)
    return members.register_member(form, session.desk.uow(), ctx)


def _campaign(session: DeskSession, ctx: DeskContext, **rules: object) -> Campaign:
    uow = session.desk.uow
    water = campaigns.create_item("清凉包", "个", uow(), ctx)
    drink = campaigns.create_item("藿香正气水", "盒", uow(), ctx)
    fields: dict[str, object] = {
        "name": "夏送清凉 2026",
        "starts_on": "2020-01-01",
        "ends_on": "2099-12-31",
        "package": ((water.id, 1), (drink.id, 2)),
        "max_per_person": 1,
    }
    fields.update(rules)
    campaign = campaigns.create_campaign(CampaignForm(**fields), uow(), ctx)  # type: ignore[arg-type]
    stock.receive(campaign.id, water.id, 50, uow(), ctx)
    stock.receive(campaign.id, drink.id, 100, uow(), ctx)
    return campaign


def _kinds(session: DeskSession) -> dict[str, int]:
    """The handout events in this desk's outbox, by kind."""
    from collections import Counter

    from desktop.storage.sync.tables import OutboxRow

    with session.desk.uow().reading() as u:
        kinds = u.session.query(OutboxRow.kind).filter(OutboxRow.kind.like("handout.%"))
        return dict(Counter(kind for (kind,) in kinds))


def _screen(qtbot: QtBot, session: DeskSession) -> HandoutScreen:
    screen = HandoutScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def test_scan_hands_out_at_once_and_stock_falls(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    member = _member(session, ctx, "张三", "13800138000")
    campaign = _campaign(session, ctx)
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, member.member_number)  # a scanner burst
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK
    assert "已发放给 张三" in screen.band.title.text()
    assert "清凉包 × 1个" in screen.band.detail.text()
    assert screen.state is State.SEARCH
    assert screen.recent.rowCount() == 1
    assert "张三" in screen.recent.item(0, 1).text()
    assert "今日服务 1 人" in screen.counters.text()
    levels = {s.item_name: s.left for s in stock.levels(session.desk.uow(), campaign.id)}
    assert levels == {"清凉包": 49, "藿香正气水": 98}


def test_typed_search_shows_the_person_then_enter_hands_out(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    _member(session, ctx, "张三", "13800138000")
    _campaign(session, ctx)
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, "zs", HUMAN_DELAY_MS)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.state is State.PICKED and screen.band.tone is Tone.ASK
    assert "张三 可领取：清凉包 × 1个，藿香正气水 × 2盒" in screen.band.title.text()
    assert "还可领取 1 次" in screen.person.text()
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK


def test_limit_reached_is_refused_with_the_reason_then_a_lead_overrides(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = _member(session, ctx, "张三", "13800138000")
    campaign = _campaign(session, ctx)
    operators.add_operator(
        operators.OperatorForm(name="赵站长", role=Role.LEAD, pin=LEAD_PIN),
        session.desk.uow(),
        ctx,
    )
    handouts.hand_out(handouts.HandOut(campaign.id, member_id=member.id), session.desk.uow(), ctx)
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, member.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.ERROR
    assert "已领取 1 次，达到每人 1 次的上限" in screen.band.title.text()
    assert screen.history.rowCount() == 1  # when, where, by whom
    assert screen.history.item(0, 2).text() == "王站长"
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)  # Enter does not hand out
    assert len(handouts.recent(session.desk.uow(), campaign.id)) == 1

    def lead_types(dialog: OverrideDialog) -> QDialog.DialogCode:
        dialog.pin.setText(LEAD_PIN)
        dialog.reason.setText("家中困难，站长同意")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OverrideDialog, "exec", lead_types)
    screen.override()
    assert screen.band.tone is Tone.OK
    assert "赵站长" in screen.band.detail.text()
    latest = handouts.recent(session.desk.uow(), campaign.id)[0]
    assert latest.overridden == "limit_reached" and latest.override_reason == "家中困难，站长同意"


def test_a_wrong_lead_pin_hands_out_nothing(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = _member(session, ctx, "张三", "13800138000")
    campaign = _campaign(session, ctx)
    handouts.hand_out(handouts.HandOut(campaign.id, member_id=member.id), session.desk.uow(), ctx)
    screen = _screen(qtbot, session)
    screen.show_person(member)

    def wrong(dialog: OverrideDialog) -> QDialog.DialogCode:
        dialog.pin.setText("0000")
        dialog.reason.setText("试试")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OverrideDialog, "exec", wrong)
    screen.override()
    assert screen.band.tone is Tone.ERROR and "站长 PIN 码不正确" in screen.band.detail.text()
    assert len(handouts.recent(session.desk.uow(), campaign.id)) == 1


def test_collect_on_behalf_and_void(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = _member(session, ctx, "张三", "13800138000")
    _member(session, ctx, "李四", "13900139000")
    campaign = _campaign(session, ctx)
    screen = _screen(qtbot, session)
    monkeypatch.setattr(handout_screen, "ask_text", lambda *_: "13900139000")
    screen.choose_collector()
    assert "李四" in screen.collector_label.text()
    type_text(qtbot, screen.search, member.member_number)
    # A burst hands out on the first Enter; typed keys (a busy machine) pick, then hand out.
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    if screen.state is State.PICKED:
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert "由 李四 代领" in screen.band.detail.text()
    assert screen.collector is None  # for one handout only

    screen.recent.selectRow(0)
    monkeypatch.setattr(handout_screen, "ask_text", lambda *_: "发错人了")
    screen.void_selected()
    record = handouts.recent(session.desk.uow(), campaign.id)[0]
    assert record.voided and record.void_reason == "发错人了"
    assert "已作废" in screen.recent.item(0, 3).text()
    levels = {s.item_name: s.left for s in stock.levels(session.desk.uow(), campaign.id)}
    assert levels == {"清凉包": 50, "藿香正气水": 100}


def test_stock_screen_receive_blind_count_and_report(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, tmp_path: Path
) -> None:
    campaign = _campaign(session, ctx)
    screen = StockScreen(session)
    qtbot.addWidget(screen)
    told: list[str] = []
    screen.tell = lambda _title, text: told.append(text)

    def fill(quantity: int, text: str = "") -> None:
        def accept(form: StockForm) -> bool:
            form.quantity.setValue(quantity)
            form.text.setText(text)
            return True

        screen.ask_form = accept

    fill(10, "街道捐赠")
    screen.record("receive")
    assert screen.levels.item(0, 4).text() == "60"
    fill(58)
    screen.record("count")
    assert told[-1] == "盘点 58，账面 60，差异 -2，已记录。"
    assert screen.counts.rowCount() == 1 and screen.counts.item(0, 5).text() == "-2"
    fill(0)
    screen.record("receive")
    assert "数量应为 1 到" in told[-1]

    target = tmp_path / "report.xlsx"
    screen.ask_report_path = lambda _suffix: str(target)
    screen.export("xlsx")
    rows = list(load_workbook(target).worksheets[1].iter_rows(values_only=True))
    assert ("清凉包（个）" in [r[1] for r in rows]) and campaign.name in str(rows[0][0])


def test_a_lead_creates_a_campaign_with_a_new_item_at_the_desk(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    from ui.aid.campaign_dialog import CampaignDialog

    dialog = CampaignDialog(session)
    qtbot.addWidget(dialog)
    dialog.save()
    assert "活动名称" in dialog.problem.text() or "请填写" in dialog.problem.text()
    dialog.new_item_name.setText("毛巾")
    dialog.new_item_unit.setText("条")
    dialog.add_item()
    assert dialog.item_boxes[0].currentText() == "毛巾（条）"
    dialog.name.setText("困难职工帮扶")
    dialog.starts.setDate(QDate(2026, 1, 1))
    dialog.ends.setDate(QDate(2026, 12, 31))
    dialog.quantities[0].setValue(2)
    dialog.min_interval_hours.setValue(24)
    next(b for b in dialog.tags if b.text() == "困难职工").setChecked(True)
    dialog.this_station_only.setChecked(True)
    assert dialog.when_out.currentData() is False  # the default: ask in orange
    dialog.when_out.setCurrentIndex(dialog.when_out.findData(True))
    dialog.save()
    created = dialog.created
    assert created is not None
    assert (created.name, created.starts_on, created.ends_on) == (
        "困难职工帮扶",
        "2026-01-01",
        "2026-12-31",
    )
    assert created.max_per_person == 1 and created.min_interval_minutes == 24 * 60
    assert created.tags == ("困难职工",) and created.package[0].quantity == 2
    assert created.stations == (ctx.station_id,)
    assert created.refuse_when_out


def test_a_signature_drawn_on_screen_becomes_a_png(qtbot: QtBot) -> None:
    import base64
    import io

    from PIL import Image
    from PySide6.QtCore import QPoint

    from ui.aid.dialogs import SignatureDialog

    dialog = SignatureDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted  # nothing drawn yet
    pad = dialog.pad
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    for x in range(20, 200, 10):
        qtbot.mouseMove(pad, QPoint(x, 20 + x // 4))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 70))
    assert pad.drawn
    text = dialog.png_base64()
    assert len(text) < handouts.PROOF_MAX  # fits a handout event
    image = Image.open(io.BytesIO(base64.b64decode(text)))
    assert image.size == (480, 180)
    darkest, lightest = image.convert("L").getextrema()
    assert darkest < 50 and lightest == 255  # black strokes on white


def test_the_next_card_scanned_while_a_refusal_shows_is_handed_out(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    first = _member(session, ctx, "张三", "13800138000")
    second = _member(session, ctx, "李四", "13900139000")
    campaign = _campaign(session, ctx)
    handouts.hand_out(handouts.HandOut(campaign.id, member_id=first.id), session.desk.uow(), ctx)
    screen = _screen(qtbot, session)
    screen.show_person(first)  # refused in red, waiting for a lead or Esc
    assert screen.state is State.PICKED and screen.band.tone is Tone.ERROR
    card = cards.card_to_print(second.id, session.desk.uow(), ctx, session.desk.keys)
    type_text(qtbot, screen.search, card.qr_text)  # nobody answered: the next card, scanned
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK and "李四" in screen.band.title.text()


def test_a_card_scanned_while_a_handout_is_being_saved_is_handed_out_after_it(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    import sqlite3

    from ui import tasks

    zhang = _member(session, ctx, "张三", "13800138000")
    li = _member(session, ctx, "李四", "13900139000")
    campaign = _campaign(session, ctx)
    screen = _screen(qtbot, session)
    tasks.set_synchronous(False)
    # Another program (a CLI script, say) holds the write lock: 张三's handout waits on it.
    other = sqlite3.connect(session.desk.paths.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        type_text(qtbot, screen.search, zhang.member_number)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
        qtbot.wait(50)
        assert screen.scans.busy  # still being saved
        type_text(qtbot, screen.search, li.member_number)  # 李四 scans meanwhile
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
        qtbot.wait(200)
        assert screen.scans.waiting == 1  # kept, not dropped
    finally:
        other.execute("COMMIT")
        other.close()

    def handed() -> list[str]:
        report = handouts.recent(session.desk.uow(), campaign.id)
        return sorted(r.member_id for r in report)

    qtbot.waitUntil(lambda: len(handed()) == 2, timeout=5000)
    assert handed() == sorted([zhang.id, li.id])
    # (the blue "李四 may receive" band shows first, while the handout is written)
    qtbot.waitUntil(
        lambda: screen.band.tone is Tone.OK and "李四" in screen.band.title.text(), timeout=3000
    )
    assert not screen.scans.busy


def test_with_the_shelf_empty_a_scan_asks_in_orange_and_only_enter_hands_out(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    uow = session.desk.uow
    water = campaigns.create_item("清凉包", "个", uow(), ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="夏送清凉 2026",
            starts_on="2020-01-01",
            ends_on="2099-12-31",
            package=((water.id, 1),),
        ),
        uow(),
        ctx,
    )
    stock.receive(campaign.id, water.id, 1, uow(), ctx)
    first = _member(session, ctx, "张三", "13800138000")
    second = _member(session, ctx, "李四", "13900139000")
    screen = _screen(qtbot, session)
    type_text(qtbot, screen.search, first.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK  # the last one on the shelf

    type_text(qtbot, screen.search, second.member_number)  # a scan: nothing left
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.REPEAT and "库存不足" in screen.band.title.text()
    assert "剩 清凉包 0个" in screen.band.title.text()
    assert len(handouts.recent(uow(), campaign.id)) == 1  # not handed out by the scan
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)  # the attendant decides: hand out
    assert screen.band.tone is Tone.OK
    assert len(handouts.recent(uow(), campaign.id)) == 2


def test_a_campaign_that_refuses_when_out_refuses_in_red_and_the_next_scan_is_served(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    uow = session.desk.uow
    water = campaigns.create_item("清凉包", "个", uow(), ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="夏送清凉 2026",
            starts_on="2020-01-01",
            ends_on="2099-12-31",
            package=((water.id, 1),),
            refuse_when_out=True,
        ),
        uow(),
        ctx,
    )
    stock.receive(campaign.id, water.id, 1, uow(), ctx)
    first = _member(session, ctx, "张三", "13800138000")
    second = _member(session, ctx, "李四", "13900139000")
    third = _member(session, ctx, "王五", "13700137000")
    screen = _screen(qtbot, session)
    assert "缺货不发" in screen.campaign_rules.text()
    type_text(qtbot, screen.search, first.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK  # the last one on the shelf

    type_text(qtbot, screen.search, second.member_number)  # a scan: nothing left
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.ERROR
    assert "李四" in screen.band.title.text() and "剩 清凉包 0个" in screen.band.title.text()
    assert "缺货不发放" in screen.band.title.text()
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)  # Enter does not push it through
    assert screen.band.tone is Tone.ERROR
    assert [r.member_id for r in handouts.recent(uow(), campaign.id)] == [first.id]
    assert stock.levels(uow(), campaign.id)[0].left == 0  # never −1
    assert _kinds(session) == {"handout.recorded": 1}  # nothing recorded for 李四

    # the scan field is ready for the next person: a delivery arrives, the next card is served
    stock.receive(campaign.id, water.id, 5, uow(), ctx)
    type_text(qtbot, screen.search, third.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.band.tone is Tone.OK and "王五" in screen.band.title.text()
    assert [r.member_id for r in handouts.recent(uow(), campaign.id)] == [third.id, first.id]
    assert stock.levels(uow(), campaign.id)[0].left == 4
