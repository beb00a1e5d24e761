"""The sync screen: connection, the queue, events the server refused, conflicts, "sync now"."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.changes import Changes
from desktop.domain.model import Role
from desktop.i18n import tr
from desktop.services.sync import commands as syncing
from desktop.services.sync.commands import Conflict, SyncStatus
from sync.client.report import SyncReport
from ui.changes import follow
from ui.session.state import DeskSession
from ui.sync.enrol_dialog import EnrolDialog
from ui.sync.resolve_dialog import ResolveDialog, side_text
from ui.sync.scheduler import SyncScheduler
from ui.sync.status import TONE_STYLE, refused_reason, set_aside_reason, status_line, when
from ui.tasks import DbOp

log = logging.getLogger(__name__)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setMinimumSectionSize(90)  # empty, the headings ran together
    return table


class SyncScreen(QWidget):
    def __init__(self, session: DeskSession, scheduler: SyncScheduler) -> None:
        super().__init__()
        self.setObjectName("syncScreen")
        self.session = session
        self.scheduler = scheduler
        self.conflict_rows: list[Conflict] = []

        self.headline = QLabel()
        self.headline.setObjectName("syncHeadline")
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size:16px;")
        self.details = QLabel()
        self.details.setObjectName("syncDetails")
        self.details.setWordWrap(True)
        self.connect_button = QPushButton(tr("sync_screen.connect_button"))
        self.connect_button.setObjectName("connectButton")
        self.connect_button.clicked.connect(self.open_enrolment)
        self.sync_button = QPushButton(tr("sync_screen.sync_now"))
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.setMinimumHeight(40)
        self.sync_button.clicked.connect(self._sync_or_stop)
        top = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.headline)
        text.addWidget(self.details)
        top.addLayout(text, 1)
        top.addWidget(self.connect_button)
        top.addWidget(self.sync_button)

        self.quarantine = _table(
            [
                tr("sync_screen.col_seq"),
                tr("sync_screen.col_kind"),
                tr("sync_screen.col_time"),
                tr("sync_screen.col_reason"),
            ]
        )
        self.quarantine.setObjectName("quarantineTable")
        quarantine_box = QGroupBox(tr("sync_screen.quarantined_title"))
        q_layout = QVBoxLayout(quarantine_box)
        hint = QLabel(tr("sync_screen.quarantined_hint"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        q_layout.addWidget(hint)
        q_layout.addWidget(self.quarantine)

        self.conflicts = _table(
            [
                tr("sync_screen.col_conflict"),
                tr("sync_screen.col_records"),
                tr("sync_screen.col_status"),
            ]
        )
        self.conflicts.setObjectName("conflictTable")
        self.conflicts.setWordWrap(True)
        self.conflicts.doubleClicked.connect(lambda _index: self.resolve_selected())
        self.resolve_button = QPushButton(tr("sync_screen.resolve_button"))
        self.resolve_button.setObjectName("resolveButton")
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.resolve_button.setEnabled(session.can(Role.LEAD))
        if not session.can(Role.LEAD):
            self.resolve_button.setToolTip(tr("conflict.lead_only"))
        conflicts_box = QGroupBox(tr("sync_screen.conflicts_title"))
        c_layout = QVBoxLayout(conflicts_box)
        c_layout.addWidget(self.conflicts)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.resolve_button)
        c_layout.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(conflicts_box, 3)
        layout.addWidget(quarantine_box, 2)

        scheduler.started.connect(self.refresh)
        scheduler.finished.connect(self._finished)
        scheduler.progress.connect(self._progress)
        self.refresh()
        # Events waiting (every write at the desk) and conflicts (resolved, or pulled).
        follow(session.changes, self, lambda c: c.outbox or c.conflicts, self.refresh)

    # --- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        uow = self.session.desk.uow

        def load() -> tuple[SyncStatus, list[syncing.QuarantinedEvent], list[Conflict]]:
            return (
                syncing.status(uow()),
                syncing.quarantined(uow()),
                syncing.conflicts(uow(), include_resolved=True, here_only=True),
            )

        DbOp(self, load).success(self._show).run()

    def _show(
        self, data: tuple[SyncStatus, list[syncing.QuarantinedEvent], list[Conflict]]
    ) -> None:
        state, held, conflicts = data
        running = self.scheduler.running
        _line, tone = status_line(state, running)
        if state.enrolled:
            self.headline.setText(
                tr(
                    "sync_screen.connected",
                    station=state.station_name or "-",
                    server=state.server_url or "-",
                )
            )
        else:
            self.headline.setText(tr("sync_screen.not_connected"))
        details = [
            tr("cli.sync_waiting", count=state.waiting),
            tr("cli.sync_last_success", at=when(state.last_success_at)),
        ]
        if state.error is not None and not running:
            details.append(tr("cli.sync_error", message=tr(state.error.code, **state.error.params)))
        self.details.setText("\n".join(details))
        self.details.setStyleSheet(TONE_STYLE[tone])
        self.connect_button.setVisible(
            self.session.can(Role.ADMIN) and (not state.enrolled or state.stopped)
        )
        self.sync_button.setEnabled(state.enrolled)
        self.sync_button.setText(tr("sync_screen.stop") if running else tr("sync_screen.sync_now"))

        self.quarantine.setRowCount(len(held))
        for row, event in enumerate(held):
            reason = (
                set_aside_reason(event.reason) if event.pulled else refused_reason(event.reason)
            )
            for column, value in enumerate(
                (str(event.seq), event.kind, when(event.device_time), reason)
            ):
                self.quarantine.setItem(row, column, QTableWidgetItem(value))

        self.conflict_rows = conflicts
        self.conflicts.setRowCount(len(conflicts))
        for row, conflict in enumerate(conflicts):
            state_text = (
                tr("conflict.open")
                if conflict.status == "open"
                else tr(
                    "sync_screen.resolved_by_hq" if conflict.by_hq else "sync_screen.resolved_with",
                    note=conflict.note or "",
                )
            )
            kind = tr("conflict.kind." + conflict.kind)
            if conflict.person:
                kind += "\n" + conflict.person
            if conflict.overruled_note:
                state_text += "\n" + tr("sync_screen.overruled", note=conflict.overruled_note)
            cells = (
                kind,
                "\n".join(side_text(side) for side in conflict.sides),
                state_text,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if conflict.status == "open":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.conflicts.setItem(row, column, item)
        self.conflicts.resizeRowsToContents()

    def _sync_or_stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.cancel()
            self.sync_button.setEnabled(False)  # until the batch under way finishes
        else:
            self.scheduler.sync_now()

    def _progress(self, phase: str, count: int) -> None:
        what = "sync_screen.progress_push" if phase == "push" else "sync_screen.progress_pull"
        self.details.setText(tr(what, count=count))
        self.sync_button.setText(tr("sync_screen.stop"))

    def _finished(self, report: SyncReport) -> None:
        self.refresh()

    # --- actions ------------------------------------------------------------------------------

    def open_enrolment(self) -> None:
        dialog = EnrolDialog(self.session.desk, self.session.ctx(), self)
        if dialog.exec():
            device = self.session.desk.device()
            if device is not None:
                self.session.device = device
            # Records from now on carry the server's station: the window follows.
            self.session.changes.publish(Changes(enrolment=True), self)
            self.scheduler.sync_now()
        self.refresh()

    def resolve_selected(self) -> None:
        row = self.conflicts.currentRow()
        if row < 0 or row >= len(self.conflict_rows) or not self.session.can(Role.LEAD):
            return
        conflict = self.conflict_rows[row]
        if conflict.status != "open":
            return
        dialog = ResolveDialog(conflict, self)
        if not dialog.exec():
            return
        note, merge_into = dialog.note.text(), dialog.merge_into()
        uow, ctx = self.session.desk.uow, self.session.ctx()
        resolved = Changes(conflicts=True, outbox=True, members=bool(merge_into))
        DbOp(
            self, lambda: syncing.resolve_conflict(uow(), ctx, conflict.id, note, merge_into)
        ).publish(self.session.changes, resolved).success(lambda _done: self.refresh()).run()
