"""The aid area's tabs in the main window: the handout desk and its stock."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from desktop.i18n import tr
from ui.aid.handout_screen import HandoutScreen
from ui.aid.stock_screen import StockScreen
from ui.session.state import DeskSession
from ui.sound import Sounds


def add_aid_tabs(tabs: QTabWidget, session: DeskSession, sounds: Sounds) -> HandoutScreen:
    """Each screen follows the other's writes through the changes bus (ui.changes)."""
    handout = HandoutScreen(session, sounds)
    tabs.addTab(handout, tr("aid.ui.tab_handout"))
    tabs.addTab(StockScreen(session), tr("aid.ui.tab_stock"))
    return handout
