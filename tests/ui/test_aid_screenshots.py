"""Screenshots of the handout desk and the stock screen at 1366x768, in Chinese and English."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop import i18n
from desktop.bootstrap import Desk
from desktop.demo import generate
from desktop.domain.model import DeskContext, Device, Operator
from desktop.i18n import tr
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.aid.campaigns import CampaignForm
from desktop.services.members import queries as member_queries
from ui.aid.handout_screen import HandoutScreen
from ui.aid.stock_screen import StockScreen
from ui.app import DeskApp

from .keys import type_text
from .test_screenshots import SIZE, grab, shots_folder


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_aid_screenshots(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    station: tuple[Device, Operator],
    ctx: DeskContext,
    lang: str,
) -> None:
    _device, admin = station
    generate(desk, ctx, members=200, visits=0, seed=5)
    uow = desk.uow
    bag = campaigns.create_item("清凉包", "个", uow(), ctx)
    drink = campaigns.create_item("藿香正气水", "盒", uow(), ctx)
    towel = campaigns.create_item("毛巾", "条", uow(), ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="夏送清凉 2026",
            starts_on="2020-07-01",
            ends_on="2099-08-31",
            package=((bag.id, 1), (drink.id, 2), (towel.id, 1)),
            max_per_person=1,
            occupations=("外卖骑手", "快递员", "环卫工人"),
        ),
        uow(),
        ctx,
    )
    for item, quantity in ((bag.id, 300), (drink.id, 600), (towel.id, 300)):
        stock.receive(campaign.id, item, quantity, uow(), ctx, source="区总工会")
    people = [m for m in member_queries.search_members(uow(), "wang", limit=50) if m.occupation][:8]
    eligible = [m for m in people if m.occupation in campaign.occupations]
    for member in eligible[:5]:
        handouts.hand_out(handouts.HandOut(campaign.id, member_id=member.id), uow(), ctx)
    stock.count(campaign.id, bag.id, 294, uow(), ctx)

    folder = shots_folder(lang)
    controller = DeskApp(qapp, desk)
    controller.apply_language(lang)
    window = controller.build_window()
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    window.start_duty(admin)
    tabs = window.tabs
    assert tabs is not None
    screen = next(
        tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), HandoutScreen)
    )
    tabs.setCurrentWidget(screen)
    assert tabs.tabText(tabs.currentIndex()) == tr("aid.ui.tab_handout")

    # someone who already received: refused in red, with the history
    type_text(qtbot, screen.search, eligible[0].member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    grab(window, folder, "20-handout-refused")
    qtbot.keyClick(screen.search, Qt.Key.Key_Escape)
    fresh = next(
        m
        for m in member_queries.search_members(uow(), "li", limit=50)
        if m.occupation in campaign.occupations and m.active
    )
    type_text(qtbot, screen.search, fresh.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    grab(window, folder, "21-handout-done")

    # A campaign that refuses when this desk runs short, and one that asks (the default).
    for name, refuse in (("冬送温暖 2026", True), ("金秋助学 2026", False)):
        made = campaigns.create_campaign(
            CampaignForm(
                name=name,
                starts_on="2020-07-01",
                ends_on="2099-08-31",
                package=((towel.id, 2),),
                refuse_when_out=refuse,
            ),
            uow(),
            ctx,
        )
        stock.receive(made.id, towel.id, 1, uow(), ctx, source="区总工会")
        screen.reload_campaigns()
        screen.campaign_box.setCurrentIndex(screen.campaign_box.findData(made.id))
        type_text(qtbot, screen.search, fresh.member_number)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
        grab(window, folder, "24-handout-out-of-stock" if refuse else "25-handout-short-asks")
        qtbot.keyClick(screen.search, Qt.Key.Key_Escape)

    stock_screen = next(
        tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), StockScreen)
    )
    tabs.setCurrentWidget(stock_screen)
    grab(window, folder, "22-stock")

    from ui.aid.campaign_dialog import CampaignDialog

    assert window.session is not None
    dialog = CampaignDialog(window.session)
    qtbot.addWidget(dialog)
    dialog.name.setText("冬送温暖 2026")
    dialog.quantities[0].setValue(1)
    dialog.when_out.setCurrentIndex(dialog.when_out.findData(True))
    dialog.show()
    grab(dialog, folder, "23-new-campaign")
    i18n.set_language("zh")
