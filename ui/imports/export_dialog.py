"""Export members or the visits of a date range to .xlsx or .csv, choosing the columns.

Phones are masked unless an admin ticks the box (the service records that choice in the
audit trail); ID numbers are exported only by their last four characters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import Role
from desktop.i18n import tr
from desktop.services.reports import exports
from desktop.services.reports.exports import ExportRequest, ExportResult
from ui.files import in_documents
from ui.session.state import DeskSession
from ui.tasks import PoolOp


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ExportDialog(QDialog):
    def __init__(
        self,
        session: DeskSession,
        what: str = "members",
        start: date | None = None,
        end: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(tr("export.title"))
        self.session = session
        self.exported: ExportResult | None = None
        # Replaced in tests: where the file goes.
        self.ask_path: Callable[[str], str] = self._ask_path
        self.members_choice = QRadioButton(tr("export.members_sheet"))
        self.visits_choice = QRadioButton(tr("export.visits_sheet"))
        group = QButtonGroup(self)
        group.addButton(self.members_choice)
        group.addButton(self.visits_choice)
        (self.visits_choice if what == "visits" else self.members_choice).setChecked(True)
        self.members_choice.toggled.connect(lambda _on: self._kind_changed())
        today = session.today()
        self.start = QDateEdit(_qdate(start or today.replace(day=1)))
        self.end = QDateEdit(_qdate(end or today))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.columns = QListWidget()
        self.columns.setObjectName("exportColumns")
        self.show_phones = QCheckBox(tr("export.show_phones"))
        self.show_phones.setObjectName("exportShowPhones")
        if not session.can(Role.ADMIN):
            self.show_phones.setEnabled(False)
            self.show_phones.setToolTip(tr("export.admin_only"))
        self.notice = QLabel(tr("export.privacy"))
        self.notice.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("exportStatus")
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(tr("export.save"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("members.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        kinds = QHBoxLayout()
        kinds.addWidget(self.members_choice)
        kinds.addWidget(self.visits_choice)
        kinds.addStretch(1)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel(tr("report.to")))
        dates.addWidget(self.end)
        dates.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("export.what"), kinds)
        form.addRow(tr("export.dates"), dates)
        form.addRow(tr("export.columns"), self.columns)
        form.addRow("", self.show_phones)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._kind_changed()
        self.resize(560, 520)

    def what(self) -> str:
        return "members" if self.members_choice.isChecked() else "visits"

    def _kind_changed(self) -> None:
        members = self.what() == "members"
        self.start.setEnabled(not members)
        self.end.setEnabled(not members)
        self.columns.clear()
        for column in exports.MEMBER_COLUMNS if members else exports.VISIT_COLUMNS:
            item = QListWidgetItem(exports.column_title(column))
            item.setData(Qt.ItemDataRole.UserRole, column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.columns.addItem(item)

    def chosen_columns(self) -> tuple[str, ...]:
        return tuple(
            str(self.columns.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.columns.count())
            if self.columns.item(i).checkState() == Qt.CheckState.Checked
        )

    def _ask_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, tr("export.title"), in_documents(suggested), "Excel (*.xlsx);;CSV (*.csv)"
        )
        return path

    def export(self) -> None:
        columns = self.chosen_columns()
        if not columns:
            self.status.setText(tr("export.no_columns"))
            return
        start, end = self.start.date().toPython(), self.end.date().toPython()
        what = self.what()
        suggested = exports.default_name(what, start, end)  # type: ignore[arg-type]
        path = self.ask_path(suggested)
        if not path:
            return
        if not path.lower().endswith((".xlsx", ".csv")):
            path += ".xlsx"
        request = ExportRequest(path, columns, self.show_phones.isChecked())
        uow, ctx = self.session.desk.uow, self.session.ctx()
        # On the pool: an export reads for seconds at 200,000 members and writes only its
        # audit line, so it must not hold up the database worker the check-ins use.
        if what == "members":
            op = PoolOp(self, lambda: exports.export_members(request, uow(), ctx))
        else:
            op = PoolOp(
                self,
                lambda: exports.export_visits(request, start, end, uow(), ctx),  # type: ignore[arg-type]
            )
        self.ok.setEnabled(False)
        self.status.setText(tr("export.running"))
        op.success(self._done).failure(self._failed).run()

    def _done(self, result: ExportResult) -> None:
        self.exported = result
        self.ok.setEnabled(True)
        self.status.setText(tr("cli.export_done", rows=result.rows, out=result.path))

    def _failed(self, error: Exception) -> None:
        from ui.errors import show_error

        self.ok.setEnabled(True)
        show_error(self, error)
