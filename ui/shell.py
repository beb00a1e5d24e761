"""The main window: the sign-in page while locked, the desk's screens once someone is on duty."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
)

from desktop.bootstrap import Desk
from desktop.domain.changes import Changes
from desktop.domain.model import Device, Operator, Role
from desktop.i18n import tr
from desktop.services.desk import operators
from desktop.services.desk.settings import DeskSettings, read_settings
from desktop.services.sync import commands as syncing
from ui.changes import ChangesBus
from ui.checkin.screen import CheckInScreen
from ui.session.sign_in import SignInPage
from ui.session.state import DeskSession
from ui.sound import Sounds
from ui.sync.scheduler import SyncScheduler
from ui.sync.status import TONE_STYLE, status_line

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
        self.setCentralWidget(self.stack)

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
        self.refresh_status()
        self.sign_in.pin.setFocus()
        self.scheduler.start()

    # --- duty -----------------------------------------------------------------------------

    def start_duty(self, operator: Operator) -> None:
        """Someone signed in: build the screens for their role and open the check-in desk."""
        self.session = DeskSession(self.desk, self.device, operator, self.changes)
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

    def _build_tabs(self, session: DeskSession) -> QTabWidget:
        """Desk work first (check-in, members, training, handouts), then checking and
        figures, then the machinery (sync, operators, settings)."""
        from ui.admin.operators_screen import OperatorsScreen
        from ui.admin.settings_screen import SettingsScreen
        from ui.aid.tabs import add_aid_tabs
        from ui.members.list_screen import MembersScreen
        from ui.reports.screen import ReportScreen
        from ui.sync.screen import SyncScreen
        from ui.training.screen import TrainingScreen
        from ui.verify.screen import VerifyScreen

        tabs = QTabWidget()
        tabs.setObjectName("deskTabs")
        tabs.setStyleSheet("QTabBar::tab { min-width:90px; padding:8px 14px; font-size:15px; }")
        self.checkin_screen = CheckInScreen(session, self.sounds)
        tabs.addTab(self.checkin_screen, tr("shell.tab_checkin"))
        self.members_screen = MembersScreen(session)
        tabs.addTab(self.members_screen, tr("shell.tab_members"))
        self.training_screen = TrainingScreen(session, self.sounds)
        tabs.addTab(self.training_screen, tr("shell.tab_training"))
        add_aid_tabs(tabs, session, self.sounds)
        tabs.addTab(VerifyScreen(session), tr("shell.tab_verify"))
        tabs.addTab(ReportScreen(session), tr("report.tab"))
        self.sync_screen = SyncScreen(session, self.scheduler)
        tabs.addTab(self.sync_screen, tr("shell.tab_sync"))
        if session.can(Role.ADMIN):
            tabs.addTab(OperatorsScreen(session), tr("shell.tab_operators"))
        settings_screen = SettingsScreen(session, on_language_changed=self.on_language_changed)
        settings_screen.connect_server.connect(self._open_enrolment)
        settings_screen.restore_button.setVisible(self.on_restore is not None)
        if self.on_restore is not None:
            settings_screen.restore_requested.connect(self.on_restore)
        self.settings_screen = settings_screen
        tabs.addTab(settings_screen, tr("shell.tab_settings"))
        tabs.currentChanged.connect(self._tab_changed)
        return tabs

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
        widget = self.tabs.widget(index)
        if widget is self.checkin_screen and self.checkin_screen is not None:
            self.checkin_screen.refresh_today()
            self.checkin_screen.focus_input()
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
        state = syncing.status(self.desk.uow())
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
        super().closeEvent(event)  # type: ignore[arg-type]
