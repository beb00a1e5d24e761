"""The main window: the sign-in page while locked, the desk's screens once someone is on duty."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from desktop.bootstrap import Desk
from desktop.domain.changes import Changes
from desktop.domain.model import Device, Operator, Role
from desktop.i18n import tr
from desktop.services.desk import operators
from desktop.services.desk.settings import DeskSettings, read_settings
from desktop.services.sync import commands as syncing
from desktop.services.sync.commands import SyncStatus
from ui import files
from ui.changes import ChangesBus
from ui.desk.scan_router import ScanRouter
from ui.desk.search_box import SearchBox
from ui.later_tabs import LaterTabs
from ui.session.sign_in import SignInPage
from ui.session.state import DeskSession
from ui.sound import Sounds
from ui.sync.scheduler import SyncScheduler
from ui.sync.status import TONE_STYLE, status_line
from ui.tasks import DbOp

if TYPE_CHECKING:
    from ui.admin.settings_screen import SettingsScreen
    from ui.aid.handout_screen import HandoutScreen
    from ui.aid.stock_screen import StockScreen
    from ui.checkin.screen import CheckInScreen
    from ui.members.list_screen import MembersScreen
    from ui.sync.screen import SyncScreen
    from ui.training.screen import TrainingScreen

log = logging.getLogger(__name__)

ACTIVITY_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class Shell(QMainWindow):
    def __init__(
        self,
        desk: Desk,
        device: Device,
        on_language_changed: Callable[[str], None] | None = None,
        on_restore: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("shell")
        self.desk = desk
        self.device = device
        self.on_language_changed = on_language_changed
        self.on_restore = on_restore  # the app closes the desk, restores, opens it again
        self.session: DeskSession | None = None
        # Every write at the desk is published here; see _changed for what the shell does.
        self.changes = ChangesBus(self)
        self.changes.changed.connect(self._changed)
        settings = read_settings(desk.uow())
        self.idle_minutes = settings.idle_lock_minutes
        self.sounds = Sounds(enabled=settings.sound)
        self.setWindowTitle(f"{tr('app.title')} — {device.station.name}")

        self.stack = QStackedWidget()
        self.sign_in = SignInPage(desk, device)
        self.sign_in.signed_in.connect(self.start_duty)
        self.stack.addWidget(self.sign_in)
        self.tabs: QTabWidget | None = None
        self.checkin_screen: CheckInScreen | None = None
        self.later: LaterTabs | None = None  # the other tabs, built when first shown
        self.desks: dict[QWidget, Callable[[], SearchBox | None]] = {}
        self.setCentralWidget(self.stack)
        # A card scanned on any tab reaches a scan desk (ui.desk.scan_router).
        self.scan_router = ScanRouter(self._scan_target, lambda: self.session is not None, self)

        self.station_label = QLabel(
            f"{device.station.name} · {tr('setup.kind_' + device.station.kind.value)}"
        )
        self.operator_label = QLabel()
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("syncStatus")
        self.scheduler = SyncScheduler(desk, self, self.changes)
        self.scheduler.started.connect(self.refresh_status)
        self.scheduler.finished.connect(lambda _report: self.refresh_status())
        self.lock_button = QPushButton(tr("shell.lock") + "  Ctrl+L")
        self.lock_button.setFlat(True)
        self.lock_button.clicked.connect(lambda: self.lock("shortcut"))
        bar = self.statusBar()
        bar.addWidget(self.station_label)
        bar.addWidget(self.operator_label)
        bar.addPermanentWidget(self.outbox_label)
        bar.addPermanentWidget(self.lock_button)
        self.lock_button.hide()

        QShortcut(QKeySequence("Ctrl+L"), self, lambda: self.lock("shortcut"))
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(lambda: self.lock("idle"))
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
            app.installEventFilter(self.scan_router)
            app.focusWindowChanged.connect(self._window_focused)  # type: ignore[attr-defined]
        for number in range(1, 10):
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda n=number: self.show_tab(n - 1))
        self.refresh_status()
        self.sign_in.pin.setFocus()
        self.scheduler.start()

    # --- duty -----------------------------------------------------------------------------

    def start_duty(self, operator: Operator) -> None:
        """Someone signed in: build the screens for their role and open the check-in desk."""
        self.session = DeskSession(self.desk, self.device, operator, self.changes)
        files.desk_day = self._desk_day  # file names and date pickers: the desk's day
        old = self.tabs
        self.tabs = self._build_tabs(self.session)
        self.stack.addWidget(self.tabs)
        self.stack.setCurrentWidget(self.tabs)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.operator_label.setText(
            tr("shell.on_duty", name=operator.name, role=tr("role." + operator.role.value))
        )
        self.lock_button.show()
        self.refresh_status()
        self._restart_idle_timer()
        if self.checkin_screen is not None:
            self.checkin_screen.focus_input()
        log.info("operator %s on duty", operator.id)

    def _desk_day(self) -> date:
        return self.session.today() if self.session is not None else date.today()

    def _build_tabs(self, session: DeskSession) -> QTabWidget:
        """Desk work first (check-in, members, training, handouts), then checking and
        figures, then the machinery (sync, operators, settings). Only the check-in desk is
        built now; each other screen when its tab is first shown (ui.later_tabs)."""
        from ui.checkin.screen import CheckInScreen  # not needed to show the sign-in page

        self.sounds.load()  # sounds are for the desks on duty; loading them takes a moment
        tabs = QTabWidget()
        tabs.setObjectName("deskTabs")
        tabs.setStyleSheet("QTabBar::tab { min-width:90px; padding:8px 14px; font-size:15px; }")
        self.checkin_screen = checkin = CheckInScreen(session, self.sounds)
        tabs.addTab(checkin, tr("shell.tab_checkin"))
        self.desks = {checkin: lambda: checkin.search}
        self.later = later = LaterTabs(tabs)
        later.add("members", tr("shell.tab_members"), lambda: self._members_tab(session))
        later.add("training", tr("shell.tab_training"), lambda: self._training_tab(session))
        later.add("handout", tr("aid.ui.tab_handout"), lambda: self._handout_tab(session))
        later.add("stock", tr("aid.ui.tab_stock"), lambda: self._stock_tab(session))
        later.add("verify", tr("shell.tab_verify"), lambda: self._verify_tab(session))
        later.add("report", tr("report.tab"), lambda: self._report_tab(session))
        later.add("sync", tr("shell.tab_sync"), lambda: self._sync_tab(session))
        if session.can(Role.ADMIN):
            later.add("operators", tr("shell.tab_operators"), lambda: self._operators_tab(session))
        later.add("settings", tr("shell.tab_settings"), lambda: self._settings_tab(session))
        tabs.currentChanged.connect(self._tab_changed)
        for index in range(min(tabs.count(), 9)):
            tabs.setTabToolTip(index, f"Ctrl+{index + 1}")
        return tabs

    # Each tab's screen, built the first time it is shown or asked for.

    def _members_tab(self, session: DeskSession) -> QWidget:
        from ui.members.list_screen import MembersScreen

        return MembersScreen(session)

    def _training_tab(self, session: DeskSession) -> QWidget:
        from ui.training.screen import TrainingScreen

        training = TrainingScreen(session, self.sounds)
        self.desks[training] = lambda: (
            training.door.search if training.pages.currentWidget() is training.door else None
        )
        return training

    def _handout_tab(self, session: DeskSession) -> QWidget:
        from ui.aid.handout_screen import HandoutScreen

        handout = HandoutScreen(session, self.sounds)
        self.desks[handout] = lambda: handout.search
        return handout

    def _stock_tab(self, session: DeskSession) -> QWidget:
        from ui.aid.stock_screen import StockScreen

        return StockScreen(session)

    def _verify_tab(self, session: DeskSession) -> QWidget:
        from ui.verify.screen import VerifyScreen

        return VerifyScreen(session)

    def _report_tab(self, session: DeskSession) -> QWidget:
        from ui.reports.screen import ReportScreen

        return ReportScreen(session)

    def _sync_tab(self, session: DeskSession) -> QWidget:
        from ui.sync.screen import SyncScreen

        return SyncScreen(session, self.scheduler)

    def _operators_tab(self, session: DeskSession) -> QWidget:
        from ui.admin.operators_screen import OperatorsScreen

        return OperatorsScreen(session)

    def _settings_tab(self, session: DeskSession) -> QWidget:
        from ui.admin.settings_screen import SettingsScreen

        settings_screen = SettingsScreen(session, on_language_changed=self.on_language_changed)
        settings_screen.connect_server.connect(self._open_enrolment)
        settings_screen.restore_button.setVisible(self.on_restore is not None)
        if self.on_restore is not None:
            settings_screen.restore_requested.connect(self.on_restore)
        return settings_screen

    def _screen(self, name: str) -> QWidget:
        if self.later is None:  # no one on duty yet: no screens
            raise AttributeError(name)
        return self.later.screen(name)

    @property
    def members_screen(self) -> MembersScreen:
        return cast("MembersScreen", self._screen("members"))

    @property
    def training_screen(self) -> TrainingScreen:
        return cast("TrainingScreen", self._screen("training"))

    @property
    def handout_screen(self) -> HandoutScreen:
        return cast("HandoutScreen", self._screen("handout"))

    @property
    def stock_screen(self) -> StockScreen:
        return cast("StockScreen", self._screen("stock"))

    @property
    def sync_screen(self) -> SyncScreen:
        return cast("SyncScreen", self._screen("sync"))

    @property
    def settings_screen(self) -> SettingsScreen:
        return cast("SettingsScreen", self._screen("settings"))

    def show_tab(self, index: int) -> None:
        """Ctrl+1 … Ctrl+9: that tab, with the cursor in its scan field if it has one."""
        if self.tabs is None or self.session is None or not 0 <= index < self.tabs.count():
            return
        self.tabs.setCurrentIndex(index)
        self.focus_desk()

    def focus_desk(self) -> None:
        """The cursor back in the scan field of the tab on show (if it has one)."""
        if self.tabs is None or self.session is None:
            return
        field = self.desks.get(self.tabs.currentWidget(), lambda: None)()
        if field is not None:
            field.setFocus()

    def _scan_target(self) -> SearchBox | None:
        """A scan on the door or handout desk stays there; anywhere else it checks in."""
        if self.tabs is None or self.checkin_screen is None:
            return None
        field = self.desks.get(self.tabs.currentWidget(), lambda: None)()
        if field is not None:
            return field
        self.tabs.setCurrentWidget(self.checkin_screen)
        return self.checkin_screen.search

    def _window_focused(self, window: QWindow | None) -> None:
        """Back from a dialog (or another program): the next scan has somewhere to go."""
        if window is not None and window is self.windowHandle():
            self.focus_desk()

    def _changed(self, changes: Changes, _origin: object) -> None:
        """A write at the desk (or a sync that brought records in): the window's own parts
        follow; the screens follow the bus themselves (ui.changes.follow)."""
        if changes.enrolment:
            self._enrolled()
        if changes.settings:
            self.apply_settings(read_settings(self.desk.uow()))
        if changes.operators:
            self._operator_records_changed()
        if changes.outbox:
            self.scheduler.local_writes()  # sync sends it soon, a burst in one go
        if changes.outbox or changes.conflicts:
            self.refresh_status()

    def apply_settings(self, settings: DeskSettings) -> None:
        """Saved settings take effect now, not at the next start."""
        self.idle_minutes = settings.idle_lock_minutes
        self.sounds.enabled = settings.sound
        self._restart_idle_timer()

    def _operator_records_changed(self) -> None:
        """An admin may have renamed themselves: the status bar and records follow."""
        if self.session is None:
            return
        current = operators.get_operator(self.desk.uow(), self.session.operator.id)
        self.session.operator = current
        self.operator_label.setText(
            tr("shell.on_duty", name=current.name, role=tr("role." + current.role.value))
        )

    def _tab_changed(self, index: int) -> None:
        if self.tabs is None:
            return
        if self.later is not None:
            self.later.build_shown()
        widget = self.tabs.widget(index)
        if widget is self.checkin_screen and self.checkin_screen is not None:
            self.checkin_screen.refresh_today()
        self.focus_desk()
        self.refresh_status()

    def lock(self, reason: str) -> None:
        if self.session is None:
            return
        # A dialog left open would go on working with the rights of whoever walked away.
        for _ in range(10):
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, QDialog):
                break
            dialog.reject()
        operators.record_lock(self.desk.uow(), self.session.operator.id, reason)
        previous = self.session.operator.id
        self.session = None
        self.sign_in.reload(select_id=previous)
        self.stack.setCurrentWidget(self.sign_in)
        self.operator_label.setText(tr("shell.locked"))
        self.lock_button.hide()
        self.idle_timer.stop()
        self.sign_in.pin.setFocus()
        log.info("desk locked (%s)", reason)

    def refresh_status(self) -> None:
        """The sync line, read on the database worker: counting the events waiting (a million
        on a desk that never synced) is no reason to hold the window or a check-in."""
        uow = self.desk.uow
        DbOp(self, lambda: syncing.status(uow())).success(self._show_status).run()

    def _show_status(self, state: SyncStatus) -> None:
        text, tone = status_line(state, self.scheduler.running)
        self.outbox_label.setText(text)
        self.outbox_label.setStyleSheet(TONE_STYLE[tone])
        if state.error is not None:
            self.outbox_label.setToolTip(tr(state.error.code, **state.error.params))
        else:
            self.outbox_label.setToolTip("")

    def _open_enrolment(self) -> None:
        if self.tabs is not None:
            self.tabs.setCurrentWidget(self.sync_screen)
        self.sync_screen.open_enrolment()

    def _enrolled(self) -> None:
        """Records from now on carry the server's station: every screen follows."""
        device = self.desk.device()
        if device is not None:
            self.device = device
            if self.session is not None:
                self.session.device = device
        self.refresh_status()

    # --- idle lock ------------------------------------------------------------------------

    def _restart_idle_timer(self) -> None:
        if self.session is not None and self.idle_minutes > 0:
            self.idle_timer.start(self.idle_minutes * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS and self.session is not None:
            self._restart_idle_timer()
        return False

    def closeEvent(self, event: object) -> None:
        self.scheduler.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            app.removeEventFilter(self.scan_router)
        super().closeEvent(event)  # type: ignore[arg-type]
