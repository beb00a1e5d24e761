"""Operators on duty: who may sign in at this desk, with which role (admins only)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.domain.model import Operator, Role
from desktop.i18n import describe, tr
from desktop.services.desk import operators
from desktop.services.desk.operators import PIN_MAX, OperatorForm
from ui.changes import ChangesBus
from ui.errors import show_error
from ui.session.state import DeskSession
from ui.tables import read_only_rows
from ui.tasks import DbOp

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("operators.col_name", "operators.col_role", "operators.col_status")
ROLES = (Role.ATTENDANT, Role.LEAD, Role.ADMIN)
OPERATORS = Changes(operators=True, outbox=True)


class OperatorTableModel(QAbstractTableModel):
    """Operators of the station, inactive ones greyed; the one signed in is marked."""

    def __init__(self, me: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._me = me
        self.operators: list[Operator] = []

    def set_operators(self, operators: list[Operator]) -> None:
        self.beginResetModel()
        self.operators = list(operators)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.operators)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(_HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        operator = self.operators[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                you = tr("operators.you") if operator.id == self._me else ""
                return operator.name + you
            if column == 1:
                return tr(f"role.{operator.role.value}")
            return tr("operators.status_active" if operator.active else "operators.status_inactive")
        if role == Qt.ItemDataRole.ForegroundRole and not operator.active:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None


class OperatorDialog(QDialog):
    """Add an operator, or rename one, change the role and reset the PIN.

    ``submit`` saves the form (on the database worker) and tells ``changes`` of it; problems
    show inside the dialog, which stays open so nothing typed is lost. After ``Accepted``,
    ``saved`` holds the result.
    """

    def __init__(
        self,
        submit: Callable[[OperatorForm], Operator],
        operator: Operator | None = None,
        parent: QWidget | None = None,
        changes: ChangesBus | None = None,
    ) -> None:
        super().__init__(parent)
        self._changes = changes
        self.setObjectName("operatorDialog")
        self.setWindowTitle(tr("operators.title_edit" if operator else "operators.title_add"))
        self.setMinimumWidth(400)
        self._submit = submit
        self.saved: Operator | None = None

        self.name = QLineEdit(operator.name if operator else "")
        self.name.setMaxLength(50)
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(tr(f"role.{role.value}"), role.value)
        self.role.setCurrentIndex(ROLES.index(operator.role if operator else Role.ATTENDANT))
        self.reset_pin = QCheckBox(tr("operators.reset_pin"))
        self.reset_pin.setVisible(operator is not None)
        self.reset_pin.toggled.connect(self._update_pin_fields)
        self.pin = self._pin_field()
        self.pin_again = self._pin_field()
        self.error = QLabel()
        self.error.setObjectName("operatorError")
        self.error.setStyleSheet("QLabel#operatorError { color: #b00020; }")
        self.error.setWordWrap(True)
        self.error.hide()

        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(tr("operators.save"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("operators.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(tr("operators.col_name"), self.name)
        form.addRow(tr("operators.col_role"), self.role)
        if operator is not None:
            form.addRow("", self.reset_pin)
        form.addRow(tr("operators.pin"), self.pin)
        form.addRow(tr("operators.pin_again"), self.pin_again)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._update_pin_fields()

    def _pin_field(self) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(PIN_MAX)
        field.setValidator(QRegularExpressionValidator(r"[0-9]*", field))
        field.setPlaceholderText(tr("operators.pin_hint"))
        return field

    def _pin_wanted(self) -> bool:
        return self.reset_pin.isHidden() or self.reset_pin.isChecked()

    def _update_pin_fields(self) -> None:
        wanted = self._pin_wanted()
        for field in (self.pin, self.pin_again):
            field.setEnabled(wanted)
            if not wanted:
                field.clear()

    def form(self) -> OperatorForm | None:
        """What was typed, or None (with the reason shown) when the two PINs differ."""
        pin = self.pin.text() if self._pin_wanted() else ""
        if self._pin_wanted() and pin != self.pin_again.text():
            self.show_problem(tr("operators.pin_mismatch"))
            return None
        return OperatorForm(name=self.name.text(), role=Role(self.role.currentData()), pin=pin)

    def save(self) -> None:
        form = self.form()
        if form is None:
            return
        self.ok.setEnabled(False)
        submit = self._submit
        op = DbOp(self, lambda: submit(form))
        if self._changes is not None:
            op.publish(self._changes, OPERATORS)
        op.success(self._saved).failure(self._failed).run()

    def show_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _saved(self, operator: Operator) -> None:
        self.saved = operator
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.ok.setEnabled(True)
        if isinstance(error, AppError):
            self.show_problem(describe(error))
        else:
            show_error(self, error)


class OperatorsScreen(QWidget):
    """The station's operators. Non-admins see why they cannot manage them, nothing else."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("operatorsScreen")
        layout = QVBoxLayout(self)
        if not session.can(Role.ADMIN):
            self.refusal = QLabel(tr("operators.admin_only"))
            self.refusal.setObjectName("adminOnly")
            self.refusal.setWordWrap(True)
            self.refusal.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(self.refusal)
            return

        self.model = OperatorTableModel(session.operator.id, self)
        self.table = self._make_table()
        self._changing = False
        self.add_button = QPushButton(tr("operators.add"))
        self.add_button.clicked.connect(self.add_operator)
        self.edit_button = QPushButton(tr("operators.edit"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button = QPushButton(tr("operators.deactivate"))
        self.active_button.clicked.connect(self.toggle_active)

        hint = QLabel(tr("operators.hint"))
        hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(hint, 1)
        for button in (self.add_button, self.edit_button, self.active_button):
            top.addWidget(button)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("operatorTable")
        table.setModel(self.model)
        read_only_rows(table)
        table.setAlternatingRowColors(True)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 12)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(1, 160)
        table.setColumnWidth(2, 120)
        table.activated.connect(lambda _index: self.edit_selected())  # double-click, Enter
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        return table

    # --- public ---------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.session.can(Role.ADMIN):
            return
        selected = self.selected_operator()
        self.model.set_operators(
            operators.list_operators(self.session.desk.uow(), include_inactive=True)
        )
        if selected is not None:
            self.select_operator(selected.id)
        self._update_buttons()

    def selected_operator(self) -> Operator | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.operators[rows[0].row()] if rows else None

    def select_operator(self, operator_id: str) -> None:
        for row, operator in enumerate(self.model.operators):
            if operator.id == operator_id:
                self.table.selectRow(row)

    def add_operator(self) -> None:
        ctx, uow = self.session.ctx(), self.session.desk.uow
        dialog = OperatorDialog(
            lambda form: operators.add_operator(form, uow(), ctx), None, self, self.session.changes
        )
        self._after_dialog(dialog)

    def edit_selected(self) -> None:
        current = self.selected_operator()
        if current is None:
            return
        ctx, uow, operator_id = self.session.ctx(), self.session.desk.uow, current.id
        dialog = OperatorDialog(
            lambda form: operators.update_operator(operator_id, form, uow(), ctx),
            current,
            self,
            self.session.changes,
        )
        self._after_dialog(dialog)

    def toggle_active(self) -> None:
        current = self.selected_operator()
        if current is None or current.id == self.session.operator.id or self._changing:
            return
        if not self.confirm_active_change(current):
            return
        ctx, uow, active = self.session.ctx(), self.session.desk.uow, not current.active
        op = DbOp(self, lambda: operators.set_operator_active(current.id, active, uow(), ctx))
        op.publish(self.session.changes, OPERATORS).success(self._saved).failure(self._failed)
        self._changing = True  # one change at a time
        self._update_buttons()
        op.run()

    def _failed(self, error: Exception) -> None:
        self._changing = False
        self._update_buttons()
        show_error(self, error)

    def run_dialog(self, dialog: QDialog) -> bool:
        """Shows a dialog until it closes; tests replace this to fill it in."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def confirm_active_change(self, operator: Operator) -> bool:
        code = (
            "operators.deactivate_question" if operator.active else "operators.reactivate_question"
        )
        answer = QMessageBox.question(
            self,
            tr("operators.title_edit"),
            tr(code, name=operator.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- reactions ------------------------------------------------------------------------

    def _after_dialog(self, dialog: OperatorDialog) -> None:
        if self.run_dialog(dialog) and dialog.saved is not None:
            self._saved(dialog.saved)

    def _saved(self, operator: Operator) -> None:
        log.info("operator %s saved (%s, active=%s)", operator.id, operator.role, operator.active)
        self._changing = False
        self.refresh()
        self.select_operator(operator.id)

    def _update_buttons(self) -> None:
        current = self.selected_operator()
        self.edit_button.setEnabled(current is not None)
        is_me = current is not None and current.id == self.session.operator.id
        self.active_button.setEnabled(current is not None and not is_me and not self._changing)
        self.active_button.setToolTip(tr("operators.not_yourself") if is_me else "")
        active = current is None or current.active
        self.active_button.setText(tr("operators.deactivate" if active else "operators.reactivate"))
