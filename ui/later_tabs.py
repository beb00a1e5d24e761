"""Tabs whose screen is built the first time it is needed, not when someone comes on duty.

Coming on duty opens the check-in desk; the other screens (members, training, handouts,
reports, sync, settings ...) and the modules behind them (ReportLab, the network client)
cost more than a second to import and build on a station PC. Each of those tabs starts as an
empty page; the screen is built, and put in the tab in the page's place, when the tab is
first shown or when the window asks for the screen (``screen``). Built screens are then
ordinary tab pages: ``QTabWidget.widget(i)`` is the screen itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget


class LaterTabs:
    """The tabs of ``tabs`` added by ``add``, each built by its builder on first need."""

    def __init__(self, tabs: QTabWidget) -> None:
        self.tabs = tabs
        self._pages: dict[str, QWidget] = {}  # name -> the empty page, until built
        self._builders: dict[str, Callable[[], QWidget]] = {}
        self._screens: dict[str, QWidget] = {}

    def add(self, name: str, label: str, build: Callable[[], QWidget]) -> None:
        page = QWidget()
        page.setObjectName(f"{name}Later")
        self.tabs.addTab(page, label)
        self._pages[name] = page
        self._builders[name] = build

    def built(self, name: str) -> QWidget | None:
        """The screen of tab ``name`` if it has been built (without building it)."""
        return self._screens.get(name)

    def screen(self, name: str) -> QWidget:
        """The screen of tab ``name``, built now if it was not yet (the tab shown stays)."""
        screen = self._screens.get(name)
        if screen is not None:
            return screen
        page = self._pages.pop(name)
        screen = self._builders.pop(name)()
        self._screens[name] = screen
        index = self.tabs.indexOf(page)
        current = self.tabs.currentIndex()
        label, tip = self.tabs.tabText(index), self.tabs.tabToolTip(index)
        # Swapped without signals: the current tab does not change, only what it holds.
        blocked = self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, screen, label)
            self.tabs.setTabToolTip(index, tip)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        page.deleteLater()
        return screen

    def build_shown(self) -> None:
        """The tab on show gets its screen (called when the current tab changes)."""
        page = self.tabs.currentWidget()
        for name, waiting in self._pages.items():
            if waiting is page:
                self.screen(name)
                return
