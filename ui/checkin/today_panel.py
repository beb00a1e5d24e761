"""Today at this desk: live counts, visits per service, the latest visits with undo."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop.domain.clock import HOUR_MINUTE, shown
from desktop.domain.model import TodaySummary, Visit
from desktop.i18n import join, tr
from ui.tables import read_only_rows


class TodayPanel(QGroupBox):
    void_requested = Signal(str, str)  # visit id, reason

    def __init__(self) -> None:
        super().__init__(tr("today.title"))
        self.setObjectName("todayPanel")
        self.visits_label = QLabel()
        self.people_label = QLabel()
        for label in (self.visits_label, self.people_label):
            label.setStyleSheet("font-size:20px; font-weight:bold;")
        counts = QHBoxLayout()
        counts.addWidget(self.visits_label)
        counts.addWidget(self.people_label)
        counts.addStretch(1)

        self.services_grid = QGridLayout()
        self.services_grid.setHorizontalSpacing(16)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("recentVisits")
        self.table.setHorizontalHeaderLabels(
            [
                tr("today.col_time"),
                tr("today.col_name"),
                tr("today.col_services"),
                tr("today.col_operator"),
            ]
        )
        read_only_rows(self.table)
        # The input box keeps the keyboard: a click here must not swallow the next scan.
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        # Fixed widths for time and operator: ResizeToContents re-measures the column for
        # every cell set, which cost 10 ms per refresh on the scan-to-result path.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        metrics = self.table.fontMetrics()
        header.resizeSection(0, metrics.horizontalAdvance("00:00") + 16)
        header.resizeSection(3, metrics.horizontalAdvance("值班员名字") + 16)

        self.undo_button = QPushButton(tr("today.undo"))
        self.undo_button.setObjectName("undoVisit")
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.clicked.connect(self._undo_selected)
        self.latest = QLabel(tr("today.latest"))

        layout = QVBoxLayout(self)
        layout.addLayout(counts)
        layout.addLayout(self.services_grid)
        row = QHBoxLayout()
        row.addWidget(self.latest)
        row.addStretch(1)
        row.addWidget(self.undo_button)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self._visits: list[Visit] = []
        # Replaced in tests; asks the attendant why a visit is being undone.
        self.ask_void_reason: Callable[[Visit], str | None] = self._ask_reason

    def show_summary(self, summary: TodaySummary, visits: list[Visit]) -> None:
        self.visits_label.setText(tr("today.visits", n=summary.visits))
        self.people_label.setText(tr("today.people", n=summary.people))
        while self.services_grid.count():
            taken = self.services_grid.takeAt(0)
            old = taken.widget() if taken is not None else None
            if old is not None:
                old.hide()  # gone now, not at the next turn of the event loop
                old.deleteLater()
        for i, (service, count) in enumerate(summary.per_service.items()):
            label = QLabel(f"{tr('service.' + service)}  <b>{count}</b>")
            self.services_grid.addWidget(label, i // 3, i % 3)
        selected = self.selected_visit_id()
        self._visits = visits
        self.table.clearSelection()
        self.table.setRowCount(len(visits))
        for row, visit in enumerate(visits):
            name = visit.member_name or tr(
                "checkin.anonymous_visitor", occupation=visit.occupation or "-"
            )
            services = join(tr("service." + s) for s in visit.services)
            cells = [
                shown(visit.device_time, HOUR_MINUTE),
                name + ("  " + tr("today.voided") if visit.voided else ""),
                services,
                visit.operator_name,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if visit.voided:
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(Qt.GlobalColor.gray)
                    item.setToolTip(visit.void_reason or "")
                self.table.setItem(row, column, item)

        # New visits come in at the top: keep the same visit selected, not the same row.
        for row, visit in enumerate(visits):
            if visit.id == selected:
                self.table.selectRow(row)

    def selected_visit_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._visits):
            return None
        return self._visits[rows[0].row()].id

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _undo_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else (0 if self._visits else -1)
        if row < 0 or row >= len(self._visits):
            return
        visit = self._visits[row]
        if visit.voided:
            return
        reason = self.ask_void_reason(visit)
        if reason:
            self.void_requested.emit(visit.id, reason)

    def _ask_reason(self, visit: Visit) -> str | None:
        presets = [
            tr("today.reason_mistake"),
            tr("today.reason_wrong_person"),
            tr("today.reason_test"),
        ]
        name = visit.member_name or tr(
            "checkin.anonymous_visitor", occupation=visit.occupation or "-"
        )
        text, ok = QInputDialog.getItem(
            self, tr("today.undo_title"), tr("today.undo_prompt", name=name), presets, 0, True
        )
        return text.strip() if ok and text.strip() else None
