"""The aid area's tabs in the main window: the handout desk and its stock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget

from desktop.i18n import tr
from ui.aid.handout_screen import HandoutScreen
from ui.aid.stock_screen import StockScreen
from ui.session.state import DeskSession
from ui.sound import Sounds


def add_aid_tabs(
    tabs: QTabWidget, session: DeskSession, sounds: Sounds, on_change: Callable[[], None]
) -> None:
    handout = HandoutScreen(session, sounds)
    stock = StockScreen(session)
    handout.changed.connect(on_change)
    handout.changed.connect(stock.refresh)
    stock.changed.connect(on_change)
    stock.changed.connect(handout.refresh_side)
    tabs.addTab(handout, tr("aid.ui.tab_handout"))
    tabs.addTab(stock, tr("aid.ui.tab_stock"))

    def shown(index: int) -> None:
        widget = tabs.widget(index)
        if widget is handout:
            handout.reload_campaigns()
        elif widget is stock:
            stock.reload_campaigns()

    tabs.currentChanged.connect(shown)
