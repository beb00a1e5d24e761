"""Restore this desk from a backup: choose one, check it, read what will happen, confirm.

The dialog only chooses and checks (nothing is changed while it is open); accepting it hands
the chosen backup to the window, which closes the desk, swaps the files
(``services.desk.backups.restore``) and opens the desk again at the sign-in page.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.backup import BackupInfo
from desktop.domain.errors import AppError
from desktop.i18n import describe, tr
from desktop.services.desk import backups
from ui.errors import show_error
from ui.session.state import DeskSession
from ui.tasks import PoolOp

PATH_ROLE = Qt.ItemDataRole.UserRole


def _when(made: datetime | None) -> str:
    return made.astimezone().strftime("%Y-%m-%d %H:%M") if made else tr("restore.when_unknown")


class RestoreDialog(QDialog):
    """Lists the backups in the backup folder (newest first); ``chosen`` is set on accept."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(tr("restore.title"))
        self.session = session
        self.chosen: Path | None = None
        self.checked: BackupInfo | None = None

        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.backups = QListWidget()
        self.backups.setObjectName("backupList")
        self.backups.setMinimumWidth(560)
        self.backups.setMaximumHeight(200)
        self.backups.currentItemChanged.connect(lambda _now, _before: self._chose())
        self.other_button = QPushButton(tr("restore.other_folder"))
        self.other_button.clicked.connect(self._choose_other)
        self.check_button = QPushButton(tr("restore.check"))
        self.check_button.setObjectName("checkBackup")
        self.check_button.clicked.connect(self.check_selected)
        self.verdict = QLabel()
        self.verdict.setObjectName("backupVerdict")
        self.verdict.setWordWrap(True)
        self.what_happens = QLabel()
        self.what_happens.setObjectName("restoreExplained")
        self.what_happens.setWordWrap(True)
        self.restore_button = QPushButton(tr("restore.go"))
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.clicked.connect(self.confirm_and_accept)
        cancel = QPushButton(tr("restore.cancel"))
        cancel.clicked.connect(self.reject)

        picking = QHBoxLayout()
        picking.addWidget(self.other_button)
        picking.addStretch(1)
        picking.addWidget(self.check_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.backups)
        layout.addLayout(picking)
        layout.addWidget(self.verdict)
        layout.addWidget(self.what_happens)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(760, 560)
        self.load()

    # --- choosing -------------------------------------------------------------------------

    def load(self, folder: Path | None = None) -> None:
        """The backups of the settings' folder, or of ``folder`` (say, a USB stick's)."""
        desk = self.session.desk
        if folder is None:
            folder, found = backups.available(desk.paths, desk.uow())
        else:
            found = backups.available_in(folder)
        self.backups.clear()
        for choice in found:
            members = "?" if choice.members is None else str(choice.members)
            text = tr(
                "restore.item",
                when=_when(choice.made_at),
                members=members,
                device=choice.device_code or "?",
            )
            item = QListWidgetItem(text)
            item.setToolTip(choice.path)
            item.setData(PATH_ROLE, choice.path)
            self.backups.addItem(item)
        code = "restore.folder" if found else "restore.folder_empty"
        self.folder_label.setText(tr(code, folder=str(folder)))
        if found:
            self.backups.setCurrentRow(0)
        self._chose()

    def _choose_other(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("restore.other_folder"))
        if chosen:
            path = Path(chosen)
            # The backup itself or the folder holding backups: either works.
            self.load(path.parent if path.name.startswith("waystation-backup-") else path)

    def selected(self) -> Path | None:
        item = self.backups.currentItem()
        return Path(str(item.data(PATH_ROLE))) if item is not None else None

    def select(self, path: Path) -> None:
        for row in range(self.backups.count()):
            item = self.backups.item(row)
            if item is not None and Path(str(item.data(PATH_ROLE))) == path:
                self.backups.setCurrentRow(row)
                return
        raise LookupError(path)

    def _chose(self) -> None:
        """A different backup: it has to be checked again before it can be restored."""
        self.checked = None
        self.verdict.setText(tr("restore.not_checked") if self.selected() else "")
        self.verdict.setStyleSheet("")
        self.what_happens.setText("")
        self.check_button.setEnabled(self.selected() is not None)
        self.restore_button.setEnabled(False)

    # --- checking and confirming ------------------------------------------------------------

    def check_selected(self) -> None:
        source = self.selected()
        if source is None:
            return
        ctx = self.session.ctx()
        self.check_button.setEnabled(False)
        self.verdict.setText(tr("restore.checking"))
        PoolOp(self, lambda: backups.check(source, ctx)).success(
            lambda info: self._checked(source, info)
        ).failure(lambda error: self._refused(source, error)).run()

    def _checked(self, source: Path, info: BackupInfo) -> None:
        if source != self.selected():
            return  # another backup was chosen meanwhile
        self.checked = info
        self.check_button.setEnabled(True)
        made = datetime.fromisoformat(info.made_at) if info.made_at else None
        self.verdict.setText(
            tr("restore.whole", when=_when(made), members=info.members, device=info.device_code)
        )
        self.verdict.setStyleSheet("color: #1a7f37;")
        self.what_happens.setText(
            tr("restore.explained", when=_when(made), home=str(self.session.desk.paths.home))
        )
        self.restore_button.setEnabled(True)

    def _refused(self, source: Path, error: Exception) -> None:
        if source != self.selected():
            return
        self.check_button.setEnabled(True)
        if not isinstance(error, AppError):
            self.verdict.setText("")
            show_error(self, error)
            return
        self.verdict.setText(describe(error))
        self.verdict.setStyleSheet("color: #b00020;")

    def confirm(self, info: BackupInfo) -> bool:
        """The last word before the desk closes; tests replace this to answer."""
        answer = QMessageBox.question(
            self,
            tr("restore.title"),
            tr("restore.question", path=Path(info.path).name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def confirm_and_accept(self) -> None:
        if self.checked is None or not self.confirm(self.checked):
            return
        self.chosen = Path(self.checked.path)
        self.accept()
