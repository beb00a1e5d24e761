"""Settings of this desk: a form over the options declared in ``desktop.config`` (titles,
ranges and choices come from there; admins edit)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.config import DeskSettings, Option, verification_address
from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.domain.model import Role
from desktop.i18n import describe, tr
from desktop.services.desk import backups
from desktop.services.desk.settings import read_settings, save_settings
from ui.admin.restore_dialog import RestoreDialog
from ui.files import in_documents
from ui.printing import preview
from ui.session.state import DeskSession
from ui.tasks import DbOp

log = logging.getLogger(__name__)

SAVED_MS = 4000


class CheckList(QListWidget):
    """Checkable items, each a code shown by its label; ``checked()`` keeps their order."""

    def __init__(self, items: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for code, label in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)

    def _items(self) -> list[QListWidgetItem]:
        return [item for i in range(self.count()) if (item := self.item(i)) is not None]

    def checked(self) -> tuple[str, ...]:
        return tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
            and item.flags() & Qt.ItemFlag.ItemIsEnabled
        )

    def set_checked(self, codes: Sequence[str]) -> None:
        for item in self._items():
            checked = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_available(self, codes: Sequence[str]) -> None:
        """Only these codes may be checked; the others are greyed and unchecked."""
        for item in self._items():
            flags = item.flags()
            if item.data(Qt.ItemDataRole.UserRole) in codes:
                item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Unchecked)


class EditableList(QWidget):
    """A list of words a station keeps (occupations, tags): add, rename, remove, reorder."""

    def __init__(self, placeholder: str, max_length: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.entry = QLineEdit()
        self.entry.setMaxLength(max_length)
        self.entry.setPlaceholderText(placeholder)
        self.entry.returnPressed.connect(self.add_entry)
        self.entry.textChanged.connect(lambda _text: self._update_buttons())
        self.add_button = QPushButton(tr("settings.add"))
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button = QPushButton(tr("settings.remove"))
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button = QPushButton(tr("settings.move_up"))
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QPushButton(tr("settings.move_down"))
        self.down_button.clicked.connect(lambda: self.move_current(1))

        side = QVBoxLayout()
        for button in (self.remove_button, self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(side)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 1)
        layout.addLayout(entry_row)
        self._update_buttons()

    def values(self) -> tuple[str, ...]:
        """The words in order, trimmed, blanks and repeats dropped."""
        words = (" ".join(self.list.item(i).text().split()) for i in range(self.list.count()))
        return tuple(dict.fromkeys(word for word in words if word))

    def set_values(self, values: Sequence[str]) -> None:
        self.list.clear()
        for value in values:
            self._append(value)
        self._update_buttons()

    def add_entry(self) -> None:
        word = " ".join(self.entry.text().split())
        if not word:
            return
        existing = self.list.findItems(word, Qt.MatchFlag.MatchExactly)
        item = existing[0] if existing else self._append(word)
        self.list.setCurrentItem(item)
        self.entry.clear()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
        self._update_buttons()

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def set_read_only(self, read_only: bool) -> None:
        self.entry.setVisible(not read_only)
        self.add_button.setVisible(not read_only)
        for button in (self.remove_button, self.up_button, self.down_button):
            button.setVisible(not read_only)
        triggers = (
            QListWidget.EditTrigger.NoEditTriggers
            if read_only
            else QListWidget.EditTrigger.DoubleClicked | QListWidget.EditTrigger.EditKeyPressed
        )
        self.list.setEditTriggers(triggers)
        self.list.setDragDropMode(
            QListWidget.DragDropMode.NoDragDrop
            if read_only
            else QListWidget.DragDropMode.InternalMove
        )

    def _append(self, value: str) -> QListWidgetItem:
        item = QListWidgetItem(value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.list.count() - 1)
        self.add_button.setEnabled(bool(self.entry.text().strip()))


class SettingsScreen(QWidget):
    """A form over ``DeskSettings``' options; admins save, everyone else reads."""

    connect_server = Signal()  # the admin asks to connect this desk to the central server
    restore_requested = Signal(object)  # a checked backup's Path, confirmed by the admin

    def __init__(
        self,
        session: DeskSession,
        parent: QWidget | None = None,
        on_language_changed: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("settingsScreen")
        self.on_language_changed = on_language_changed
        self.editable = session.can(Role.ADMIN)
        self._loaded: DeskSettings | None = None

        self.language = _choices(DeskSettings.language)
        self.idle_lock = _whole(DeskSettings.idle_lock_minutes)
        self.repeat_window = _whole(DeskSettings.repeat_window_minutes)
        self.sound = QCheckBox(tr("settings.sound_on"))
        self.offered = _checklist(DeskSettings.offered_services)
        self.offered.itemChanged.connect(lambda _item: self._limit_defaults())
        self.defaults = _checklist(DeskSettings.default_services)
        self.occupations = _words(DeskSettings.occupations, tr("settings.new_occupation"))
        self.tags = _words(DeskSettings.tags, tr("settings.new_tag"))

        self.save_button = QPushButton(tr("settings.save"))
        self.save_button.setObjectName("saveSettings")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("settingsStatus")
        self._status_timer = QTimer(self, singleShot=True, interval=SAVED_MS)
        self._status_timer.timeout.connect(self.status.clear)

        self._build_printing_widgets()
        self._build_backup_widgets()
        self._build()
        self.load()
        if not self.editable:
            self._make_read_only()

    # --- building -------------------------------------------------------------------------

    def _build_backup_widgets(self) -> None:
        self.backup_folder = QLineEdit()
        self.backup_folder.setPlaceholderText(str(self.session.desk.paths.backups))
        self.backup_folder.setToolTip(str(self.session.desk.paths.backups))  # a long path
        self.backup_folder.setMinimumWidth(320)
        self.backup_browse = QPushButton(tr("settings.backup_browse"))
        self.backup_browse.clicked.connect(self._choose_backup_folder)
        self.backup_keep = _whole(DeskSettings.backup_keep)
        self.last_backup = QLabel()
        self.last_backup.setObjectName("lastBackup")
        self.backup_now = QPushButton(tr("settings.backup_now"))
        self.backup_now.setObjectName("backupNow")
        self.backup_now.clicked.connect(self._back_up_now)
        self.restore_button = QPushButton(tr("settings.restore"))
        self.restore_button.setObjectName("restoreFromBackup")
        self.restore_button.clicked.connect(self.open_restore)

    def _choose_backup_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, tr(DeskSettings.backup_folder.title), in_documents()
        )
        if chosen:
            self.backup_folder.setText(chosen)

    def _back_up_now(self) -> None:
        paths, uow, ctx = self.session.desk.paths, self.session.desk.uow, self.session.ctx()
        self.backup_now.setEnabled(False)

        def done(_made: object) -> None:
            self.backup_now.setEnabled(True)
            self._show_last_backup()
            self._show_status(tr("settings.backup_done"))

        def failed(error: Exception) -> None:
            self.backup_now.setEnabled(True)
            self._failed(error)

        DbOp(self, lambda: backups.back_up(paths, None, uow(), ctx)).success(done).failure(
            failed
        ).run()

    def open_restore(self) -> None:
        """Choose and check a backup; once confirmed, the window restores it (admins only:
        the service refuses anyone else too)."""
        if not self.editable:
            return
        dialog = RestoreDialog(self.session, self)
        if self.run_dialog(dialog) and dialog.chosen is not None:
            self.restore_requested.emit(dialog.chosen)

    def run_dialog(self, dialog: QDialog) -> bool:
        """Shows a dialog until it closes; tests replace this to drive it."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _show_last_backup(self) -> None:
        made, old = backups.last_backup(self.session.desk.paths, self.session.desk.uow())
        if made is None:
            text = tr("settings.backup_never")
        else:
            text = made.astimezone().strftime("%Y-%m-%d %H:%M")
            if old:
                text += "  " + tr("settings.backup_old")
        self.last_backup.setText(text)
        colour = "#b00020" if old else "#1a7f37"
        self.last_backup.setStyleSheet(f"QLabel#lastBackup {{ color: {colour}; }}")

    def _build_printing_widgets(self) -> None:
        self.card_layout = _choices(DeskSettings.card_layout)
        self.auto_print = _choices(DeskSettings.auto_print_card)
        self.accept_unknown = QCheckBox(tr("settings.accept_unknown_hint"))
        self.base_url = QLineEdit()
        self.base_url.setMinimumWidth(320)
        self.base_url.setPlaceholderText(tr("settings.base_url_hint"))
        self.base_url.setToolTip(tr("settings.base_url_tip"))
        self.offset_x = _millimetres(DeskSettings.print_offset_x_mm)
        self.offset_y = _millimetres(DeskSettings.print_offset_y_mm)
        self.template = QLineEdit()
        self.template.setMinimumWidth(320)
        self.template.setPlaceholderText(tr("settings.template_default"))
        self.template.setToolTip(tr("settings_words.template_tip"))
        self.template_button = QPushButton(tr("settings.template_browse"))
        self.template_button.clicked.connect(self._choose_template)
        self.seal = QLineEdit()
        self.seal.setMinimumWidth(320)
        self.seal_button = QPushButton(tr("settings.template_browse"))
        self.seal_button.clicked.connect(self._choose_seal)
        self.calibration_button = QPushButton(tr("settings.print_calibration"))
        self.calibration_button.clicked.connect(self.print_calibration)
        # Replaced in tests: how a finished PDF reaches the person.
        self.show_pdf: Callable[[bytes, str], bool] = lambda pdf, title: preview(self, pdf, title)

    def _choose_seal(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, tr(DeskSettings.certificate_seal.title), in_documents(), "PNG (*.png)"
        )
        if path:
            self.seal.setText(path)

    def _choose_template(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, tr(DeskSettings.certificate_template.title), in_documents(), "JSON (*.json)"
        )
        if path:
            self.template.setText(path)

    def print_calibration(self) -> None:
        from desktop.printing.cards import calibration_page  # ReportLab only when printing
        from desktop.printing.documents import PrintOffsets

        offsets = PrintOffsets(self.offset_x.value(), self.offset_y.value())
        self.show_pdf(calibration_page(offsets), tr("settings.print_calibration"))

    def _build(self) -> None:
        general = QFormLayout()
        general.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.language.setMinimumWidth(160)
        general.addRow(tr(DeskSettings.language.title), self.language)
        general.addRow(tr(DeskSettings.idle_lock_minutes.title), self.idle_lock)
        general.addRow(tr(DeskSettings.repeat_window_minutes.title), self.repeat_window)
        general.addRow(tr(DeskSettings.sound.title), self.sound)

        services = QGridLayout()
        services.addWidget(QLabel(tr(DeskSettings.offered_services.title)), 0, 0)
        services.addWidget(QLabel(tr(DeskSettings.default_services.title)), 0, 1)
        services.addWidget(self.offered, 1, 0)
        services.addWidget(self.defaults, 1, 1)
        hint = QLabel(tr("settings.defaults_hint"))
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        services.addWidget(hint, 2, 0, 1, 2)

        printing = QFormLayout()
        printing.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        printing.addRow(tr(DeskSettings.card_layout.title), self.card_layout)
        printing.addRow(tr(DeskSettings.auto_print_card.title), self.auto_print)
        offsets = QHBoxLayout()
        offsets.addWidget(QLabel(tr("settings.offset_x")))
        offsets.addWidget(self.offset_x)
        offsets.addWidget(QLabel(tr("settings.offset_y")))
        offsets.addWidget(self.offset_y)
        offsets.addWidget(self.calibration_button)
        printing.addRow(tr("settings.offsets"), offsets)
        printing.addRow(tr(DeskSettings.accept_unknown_devices.title), self.accept_unknown)
        printing.addRow(tr(DeskSettings.certificate_base_url.title), self.base_url)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template)
        template_row.addWidget(self.template_button)
        printing.addRow(tr(DeskSettings.certificate_template.title), template_row)
        seal_row = QHBoxLayout()
        seal_row.addWidget(self.seal)
        seal_row.addWidget(self.seal_button)
        printing.addRow(tr(DeskSettings.certificate_seal.title), seal_row)

        grid = QGridLayout()
        grid.addWidget(_group(tr("settings.general"), general), 0, 0)
        grid.addWidget(_group(tr("settings.services"), services), 0, 1, 2, 1)
        lists = QHBoxLayout()
        lists.addWidget(_group(tr(DeskSettings.occupations.title), self.occupations))
        lists.addWidget(_group(tr(DeskSettings.tags.title), self.tags))
        grid.addLayout(lists, 1, 0)
        grid.addWidget(_group(tr("settings.printing"), printing), 2, 0, 1, 2)
        backup = QFormLayout()
        backup.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder)
        folder_row.addWidget(self.backup_browse)
        backup.addRow(tr(DeskSettings.backup_folder.title), folder_row)
        backup.addRow(tr(DeskSettings.backup_keep.title), self.backup_keep)
        last_row = QHBoxLayout()
        last_row.addWidget(self.last_backup)
        last_row.addWidget(self.backup_now)
        last_row.addWidget(self.restore_button)
        backup.addRow(tr("settings.backup_status"), last_row)
        grid.addWidget(_group(tr("settings.backups"), backup), 3, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)

        content = QWidget()
        content.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)

        self.note = QLabel(tr("settings.admin_only"))
        self.note.setObjectName("adminOnly")
        self.note.setVisible(not self.editable)
        # Connecting to the central server lives on the sync screen; reachable from here too.
        self.server_button = QPushButton(tr("sync_screen.connect_button"))
        self.server_button.setObjectName("settingsConnectServer")
        self.server_button.setVisible(self.editable)
        self.server_button.clicked.connect(self.connect_server.emit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note)
        bottom.addWidget(self.server_button)
        bottom.addStretch(1)
        bottom.addWidget(self.status)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)

    def _make_read_only(self) -> None:
        for widget in (
            self.language,
            self.idle_lock,
            self.repeat_window,
            self.sound,
            self.card_layout,
            self.auto_print,
            self.accept_unknown,
            self.base_url,
            self.backup_folder,
            self.backup_browse,
            self.backup_keep,
            self.backup_now,
            self.restore_button,
            self.offset_x,
            self.offset_y,
            self.template,
            self.template_button,
            self.seal,
            self.seal_button,
        ):
            widget.setEnabled(False)
        for checklist in (self.offered, self.defaults):
            checklist.setEnabled(False)
        for editable in (self.occupations, self.tags):
            editable.set_read_only(True)
        self.save_button.hide()

    # --- loading and saving ---------------------------------------------------------------

    def load(self) -> None:
        values = read_settings(self.session.desk.uow())
        self._loaded = values
        # The language the desk runs in (``--lang`` or WAYSTATION_LANG may differ from the
        # saved one): the box never says 中文 on an English screen.
        index = self.language.findData(i18n.language())
        self.language.setCurrentIndex(max(index, 0))
        self.idle_lock.setValue(values.idle_lock_minutes)
        self.repeat_window.setValue(values.repeat_window_minutes)
        self.sound.setChecked(values.sound)
        self.offered.set_checked(values.offered_services)
        self.defaults.set_checked(values.default_services)
        self._limit_defaults()
        self.occupations.set_values(values.occupations)
        self.tags.set_values(values.tags)
        self.card_layout.setCurrentIndex(max(self.card_layout.findData(values.card_layout), 0))
        self.auto_print.setCurrentIndex(max(self.auto_print.findData(values.auto_print_card), 0))
        self.accept_unknown.setChecked(values.accept_unknown_devices)
        self.base_url.setText(verification_address(values.certificate_base_url))
        self.offset_x.setValue(values.print_offset_x_mm)
        self.offset_y.setValue(values.print_offset_y_mm)
        self.template.setText(values.certificate_template)
        self.seal.setText(values.certificate_seal)
        self.backup_folder.setText(values.backup_folder)
        self.backup_keep.setValue(values.backup_keep)
        self._show_last_backup()

    def values(self) -> DeskSettings:
        """What the form holds."""
        base = self._loaded or read_settings(self.session.desk.uow())
        return base.replace(  # settings without a widget here keep their value
            language=str(self.language.currentData()),
            idle_lock_minutes=self.idle_lock.value(),
            repeat_window_minutes=self.repeat_window.value(),
            offered_services=self.offered.checked(),
            default_services=self.defaults.checked(),
            occupations=self.occupations.values(),
            tags=self.tags.values(),
            sound=self.sound.isChecked(),
            card_layout=str(self.card_layout.currentData()),
            auto_print_card=str(self.auto_print.currentData()),
            accept_unknown_devices=self.accept_unknown.isChecked(),
            certificate_base_url=self.base_url.text(),
            print_offset_x_mm=round(self.offset_x.value(), 1),
            print_offset_y_mm=round(self.offset_y.value(), 1),
            certificate_template=self.template.text().strip(),
            certificate_seal=self.seal.text().strip(),
            backup_folder=self.backup_folder.text().strip(),
            backup_keep=self.backup_keep.value(),
        )

    def save(self) -> None:
        if not self.editable:
            return
        values, ctx, uow = self.values(), self.session.ctx(), self.session.desk.uow
        self.save_button.setEnabled(False)
        # The window and the check-in desk take saved settings at once (ui.changes).
        DbOp(self, lambda: save_settings(values, uow(), ctx)).publish(
            self.session.changes, Changes(settings=True)
        ).success(self._saved).failure(self._failed).run()

    def _saved(self, values: DeskSettings) -> None:
        self.save_button.setEnabled(True)
        self._loaded = values
        self._show_status(tr("settings.saved"))
        log.info("settings saved by %s", self.session.operator.id)
        if values.language != i18n.language() and self.on_language_changed is not None:
            self.on_language_changed(values.language)

    def _failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, AppError):
            self._show_status(describe(error), error=True)
            return
        raise error

    def _show_status(self, text: str, error: bool = False) -> None:
        colour = "#b00020" if error else "#1a7f37"
        self.status.setStyleSheet(f"QLabel#settingsStatus {{ color: {colour}; }}")
        self.status.setText(text)
        self._status_timer.start()

    def _limit_defaults(self) -> None:
        """A service can only be preselected if the station offers it."""
        self.defaults.set_available(self.offered.checked())


def _group(title: str, content: QWidget | QHBoxLayout | QFormLayout | QGridLayout) -> QGroupBox:
    box = QGroupBox(title)
    if isinstance(content, QWidget):
        layout = QVBoxLayout(box)
        layout.addWidget(content)
    else:
        box.setLayout(content)
    return box


# --- widgets made from an option's declaration ------------------------------------------------


def _choices(option: Option[str]) -> QComboBox:
    box = QComboBox()
    for choice in option.choices:
        box.addItem(tr(option.choice_title(choice)), choice)
    return box


def _checklist(option: Option[tuple[str, ...]]) -> CheckList:
    return CheckList([(code, tr(option.choice_title(code))) for code in option.choices])


def _whole(option: Option[int]) -> QSpinBox:
    box = QSpinBox()
    box.setRange(int(_bound(option.minimum, -(2**31))), int(_bound(option.maximum, 2**31 - 1)))
    box.setMinimumWidth(100)
    return box


def _millimetres(option: Option[float]) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(_bound(option.minimum, -1e6), _bound(option.maximum, 1e6))
    box.setSingleStep(0.1)
    box.setDecimals(1)
    box.setSuffix(" mm")
    return box


def _words(option: Option[tuple[str, ...]], placeholder: str) -> EditableList:
    return EditableList(placeholder, option.max_length or 100)


def _bound(value: Any, otherwise: float) -> float:
    return otherwise if value is None else float(value)
