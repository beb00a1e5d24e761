"""Import members from a roster: pick the file and sheet, confirm the columns, watch it run.

Page 1 reads the file (``imports.inspect``) and guesses the header and columns; page 2 lets
the person correct each column's field and shows the first rows as they will be stored;
page 3 imports on the pool (batch by batch, so the desk's own writes interleave) with a
progress bar and a stop button, then lists every row not imported with its reason and
offers to save them as an .xlsx.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.domain.import_mapping import FIELDS
from desktop.i18n import describe, tr
from desktop.services.reports import imports
from desktop.services.reports.imports import ImportOptions, ImportResult, PreviewRow, SheetLayout
from ui.errors import show_error
from ui.files import in_documents
from ui.session.state import DeskSession
from ui.tasks import PoolOp

log = logging.getLogger(__name__)

IMPORTED = Changes(members=True, outbox=True)

SHOWN_PROBLEMS = 500  # rows listed on screen; all of them go to the saved file


class _Progress(QObject):
    """Carries progress from the database worker to the main thread (queued signal)."""

    moved = Signal(int, int)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("import.page_file"))
        self.setSubTitle(tr("import.page_file_hint"))
        self.path = QLineEdit()
        self.path.setObjectName("importPath")
        # A path typed or pasted (from the file manager's address bar) is read on Enter; the
        # Enter goes no further (not to the wizard's Next before the file is read).
        self.path.setPlaceholderText(tr("import.path_hint"))
        self.path.installEventFilter(self)
        browse = QPushButton(tr("import.browse"))
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.sheet.setObjectName("importSheet")
        self.sheet.activated.connect(
            lambda _i: self.load(self.path.text(), self.sheet.currentText())
        )
        self.header_row = QSpinBox()
        self.header_row.setObjectName("importHeaderRow")
        self.header_row.setRange(1, 1)
        self.header_row.editingFinished.connect(self._header_chosen)
        self.info = QLabel()
        self.info.setObjectName("importInfo")
        self.info.setWordWrap(True)
        self.top = QTableWidget(0, 0)
        self.top.setObjectName("importTop")
        self.top.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.top.horizontalHeader().hide()
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(tr("import.file"), row)
        form.addRow(tr("import.sheet"), self.sheet)
        form.addRow(tr("import.header_row_label"), self.header_row)
        form.addRow(self.info)
        form.addRow(self.top)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.path
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._typed()
            return True
        return super().eventFilter(watched, event)

    def _typed(self) -> None:
        typed = self.path.text().strip().strip('"')
        if typed:
            self.load(typed)

    def _sheet_chosen(self, _index: int) -> None:
        self.load(self.path.text(), self.sheet.currentText())

    def _header_chosen(self) -> None:
        layout = self.owner.layout_
        if layout is not None and self.header_row.value() != layout.header_row:
            self.load(layout.path, layout.sheet, self.header_row.value())

    def browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, tr("import.page_file"), in_documents(), tr("import.file_filter")
        )
        if path:
            self.load(path)

    def load(self, path: str, sheet: str | None = None, header_row: int | None = None) -> None:
        """Read the file on the pool; the guessed layout fills this page and the next."""
        self.path.setText(path)
        self.info.setText(tr("import.reading"))
        self.owner.layout_ = None
        self.completeChanged.emit()

        def done(layout: SheetLayout) -> None:
            self.owner.layout_ = layout
            self.sheet.blockSignals(True)
            self.sheet.clear()
            self.sheet.addItems(list(layout.sheets))
            self.sheet.setCurrentText(layout.sheet)
            self.sheet.blockSignals(False)
            self.header_row.blockSignals(True)
            self.header_row.setRange(1, max(1, layout.rows))
            self.header_row.setValue(layout.header_row or 1)
            self.header_row.blockSignals(False)
            self.show_top(layout)
            if layout.header_row is None:
                self.info.setText(tr("import.no_header_found", sheet=layout.sheet))
            else:
                self.info.setText(tr("import.found", row=layout.header_row, rows=layout.data_rows))
            self.completeChanged.emit()

        def failed(error: Exception) -> None:
            self.info.setText(describe(error) if isinstance(error, AppError) else str(error))
            if not isinstance(error, AppError):
                show_error(self, error)

        op = PoolOp(self, lambda: imports.inspect(path, sheet, header_row))
        op.success(done).failure(failed).run()

    def show_top(self, layout: SheetLayout) -> None:
        """The first rows as they are in the file, the header row shaded."""
        width = max((len(row) for row in layout.top), default=0)
        self.top.setRowCount(len(layout.top))
        self.top.setColumnCount(width)
        for r, row in enumerate(layout.top):
            for c in range(width):
                item = QTableWidgetItem(row[c] if c < len(row) else "")
                if layout.header_row == r + 1:
                    item.setBackground(QColor("#dbe8f6"))
                self.top.setItem(r, c, item)
        self.top.resizeColumnsToContents()
        for c in range(width):  # a merged title repeats in every column: keep them narrow
            self.top.setColumnWidth(c, min(self.top.columnWidth(c), 150))

    def isComplete(self) -> bool:
        layout = self.owner.layout_
        return layout is not None and layout.header_row is not None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("import.page_mapping"))
        self.setSubTitle(tr("import.page_mapping_hint"))
        self.columns = QTableWidget(0, 2)
        self.columns.setObjectName("importColumns")
        self.columns.setHorizontalHeaderLabels([tr("import.heading"), tr("import.field")])
        # The file's heading may be cut short; what it is imported as may not ("(not importec").
        self.columns.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.columns.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.columns.verticalHeader().hide()
        self.preview = QTableWidget(0, len(FIELDS) + 1)
        self.preview.setObjectName("importPreview")
        self.preview.setHorizontalHeaderLabels(
            [tr("import.rejects_row"), *[tr("field." + f) for f in FIELDS]]
        )
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().hide()
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.update_existing = QRadioButton(tr("import.on_match_update"))
        self.skip_existing = QRadioButton(tr("import.on_match_skip"))
        self.update_existing.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.update_existing)
        group.addButton(self.skip_existing)
        self.consent = QCheckBox(tr("import.consent"))
        self.consent.setObjectName("importConsent")
        self.consent.toggled.connect(lambda _on: self.refresh_preview())
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b3261e;")
        matches = QHBoxLayout()
        matches.addWidget(QLabel(tr("import.on_match_label")))
        matches.addWidget(self.update_existing)
        matches.addWidget(self.skip_existing)
        matches.addStretch(1)
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(self.columns, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(tr("import.preview")))
        right.addWidget(self.preview, 1)
        right.addLayout(matches)
        right.addWidget(self.consent)
        right.addWidget(self.problem)
        layout.addLayout(left, 3)
        layout.addLayout(right, 7)

    def initializePage(self) -> None:
        layout = self.owner.layout_
        assert layout is not None
        self.columns.setRowCount(len(layout.headings))
        for index, heading in enumerate(layout.headings):
            self.columns.setItem(index, 0, QTableWidgetItem(heading or f"({index + 1})"))
            choice = QComboBox()
            choice.addItem(tr("field.ignore"), "")
            for name in FIELDS:
                choice.addItem(tr("field." + name), name)
            choice.setCurrentIndex(max(0, choice.findData(layout.mapping.get(index, ""))))
            choice.currentIndexChanged.connect(lambda _i: self.refresh_preview())
            self.columns.setCellWidget(index, 1, choice)
        self.refresh_preview()

    def mapping(self) -> dict[int, str]:
        found: dict[int, str] = {}
        for row in range(self.columns.rowCount()):
            choice = self.columns.cellWidget(row, 1)
            if isinstance(choice, QComboBox) and choice.currentData():
                found[row] = str(choice.currentData())
        return found

    def refresh_preview(self) -> None:
        layout = self.owner.layout_
        if layout is None or layout.header_row is None:
            return
        mapping = self.mapping()
        try:
            imports.check_mapping(mapping)
        except AppError as error:
            self.problem.setText(describe(error))
            self.preview.setRowCount(0)
            self.completeChanged.emit()
            return
        self.problem.setText("" if self.consent.isChecked() else tr("import.consent_hint"))
        uow = self.owner.session.desk.uow
        path, sheet, header, consent = (
            layout.path,
            layout.sheet,
            layout.header_row,
            self.consent.isChecked(),
        )
        op = PoolOp(self, lambda: imports.preview(path, sheet, header, mapping, uow(), consent))
        op.success(self.show_preview).run()
        self.completeChanged.emit()

    def show_preview(self, rows: list[PreviewRow]) -> None:
        self.preview.setRowCount(len(rows))
        for r, shown in enumerate(rows):
            self.preview.setItem(r, 0, QTableWidgetItem(str(shown.row)))
            if shown.problem is not None:
                item = QTableWidgetItem(shown.problem.reason())
                item.setToolTip(shown.problem.reason())  # a long reason is cut at the edge
                item.setForeground(QColor("#b3261e"))
                self.preview.setItem(r, 1, item)
                self.preview.setSpan(r, 1, 1, len(FIELDS))
                continue
            for c, name in enumerate(FIELDS, start=1):
                self.preview.setItem(r, c, QTableWidgetItem(shown.values.get(name, "")))
        self._fit_columns(rows)

    def _fit_columns(self, rows: list[PreviewRow]) -> None:
        """Every mapped field in view: each column as wide as its heading and values (a
        row's problem, spanning them all, does not widen the first); fields not imported
        are hidden."""
        mapped = set(self.mapping().values())
        metrics = self.preview.fontMetrics()
        self.preview.resizeColumnToContents(0)
        for c, name in enumerate(FIELDS, start=1):
            self.preview.setColumnHidden(c, name not in mapped)
            texts = [tr("field." + name), *(r.values.get(name, "") for r in rows)]
            widest = max(metrics.horizontalAdvance(t) for t in texts)
            self.preview.setColumnWidth(c, min(widest + 24, 260))

    def isComplete(self) -> bool:
        try:
            imports.check_mapping(self.mapping())
        except AppError:
            return False
        return True

    def options(self) -> ImportOptions:
        layout = self.owner.layout_
        assert layout is not None
        return ImportOptions(
            sheet=layout.sheet,
            header_row=layout.header_row,
            mapping=self.mapping(),
            on_match="skip" if self.skip_existing.isChecked() else "update",
            consent=self.consent.isChecked(),
        )


class RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("import.page_run"))
        self.result: ImportResult | None = None
        self.running = False
        self.stop = threading.Event()
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgress")
        self.cancel = QPushButton(tr("import.cancel"))
        self.cancel.setObjectName("importCancel")
        self.cancel.clicked.connect(self.stop.set)
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.problems = QTableWidget(0, 2)
        self.problems.setObjectName("importProblems")
        self.problems.setHorizontalHeaderLabels(
            [tr("import.rejects_row"), tr("import.rejects_reason")]
        )
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.verticalHeader().hide()
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.save = QPushButton(tr("import.save_rejects"))
        self.save.setObjectName("importSaveRejects")
        self.save.clicked.connect(self.save_rejects)
        self.save.hide()
        # Replaced in tests: where the refused rows are saved.
        self.ask_path: Callable[[str], str] = self._ask_path
        top = QHBoxLayout()
        top.addWidget(self.bar, 1)
        top.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.save, 0, Qt.AlignmentFlag.AlignRight)
        self.progress = _Progress()
        self.progress.moved.connect(self._moved)

    def initializePage(self) -> None:
        layout = self.owner.layout_
        assert layout is not None
        options = self.owner.mapping_page.options()
        session = self.owner.session
        uow, ctx, path = session.desk.uow, session.ctx(), layout.path
        self.stop.clear()
        self.bar.setRange(0, max(1, layout.data_rows))
        self.bar.setValue(0)
        self.summary.setText(tr("import.running"))
        self.running = True
        self.cancel.setEnabled(True)
        self.completeChanged.emit()
        # On the pool, not the database worker: the import commits a batch at a time, and
        # check-ins at the desk meanwhile wait for one batch (under a second), not for the
        # whole file. Two writers queue on SQLite's lock (BEGIN IMMEDIATE, busy timeout).
        op = PoolOp(
            self,
            lambda: imports.import_members(
                path, options, uow(), ctx, self.progress.moved.emit, self.stop.is_set
            ),
        )
        op.publish(session.changes, _imported_changes)
        op.success(self.finished).failure(self.failed).run()

    def _moved(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)

    def finished(self, result: ImportResult) -> None:
        self.result = result
        self.running = False
        self.cancel.setEnabled(False)
        text = tr(
            "cli.import_done",
            rows=result.rows,
            imported=result.imported,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=len(result.skipped),
            refused=len(result.refused),
        )
        if result.cancelled:
            text = tr("import.cancelled", done=result.processed, rows=result.rows) + "\n" + text
        self.summary.setText(text)
        listed = sorted((*result.refused, *result.skipped), key=lambda p: p.row)
        self.problems.setRowCount(min(len(listed), SHOWN_PROBLEMS))
        for r, problem in enumerate(listed[:SHOWN_PROBLEMS]):
            self.problems.setItem(r, 0, QTableWidgetItem(str(problem.row)))
            self.problems.setItem(r, 1, QTableWidgetItem(problem.reason()))
        self.save.setVisible(bool(result.refused))
        self.owner.imported = True
        self.completeChanged.emit()

    def failed(self, error: Exception) -> None:
        # Batches before the failure were committed: the desk hears of them all the same.
        self.owner.session.changes.publish(IMPORTED, self)
        self.running = False
        self.cancel.setEnabled(False)
        self.summary.setText(describe(error) if isinstance(error, AppError) else str(error))
        if not isinstance(error, AppError):
            show_error(self, error)
        self.completeChanged.emit()

    def _ask_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, tr("import.save_rejects"), in_documents(suggested), "Excel (*.xlsx)"
        )
        return path

    def save_rejects(self) -> None:
        result = self.result
        if result is None:
            return
        path = self.ask_path(str(imports.rejects_path(result.path)))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"

        def saved(target: Path | None) -> None:
            self.summary.setText(self.summary.text() + "\n" + tr("import.saved", path=str(target)))

        PoolOp(self, lambda: imports.write_rejects(result, path)).success(saved).run()

    def isComplete(self) -> bool:
        return not self.running


class ImportWizard(QWizard):
    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(tr("import.title"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.session = session
        self.layout_: SheetLayout | None = None
        self.imported = False
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.run_page = RunPage(self)
        self.addPage(self.file_page)
        self.addPage(self.mapping_page)
        self.addPage(self.run_page)
        self.mapping_page.setCommitPage(True)  # an import is not undone by going back
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("import.start"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("import.next"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("import.back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("import.finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("members.cancel"))
        self.resize(1100, 640)

    def reject(self) -> None:
        # Closing while importing asks the import to stop after its current batch.
        self.run_page.stop.set()
        super().reject()


def _imported_changes(result: ImportResult) -> Changes:
    return IMPORTED if result.imported or result.updated else Changes()
