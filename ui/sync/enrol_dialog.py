"""Connect this desk to the central server: address and one-time code (typed, or the
enrolment QR scanned, which fills both)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.bootstrap import Desk
from desktop.domain.errors import AppError
from desktop.domain.model import DeskContext
from desktop.i18n import describe, tr
from sync.client.engine import ENROL_PREFIX, enrol, parse_enrolment_text
from ui.tasks import PoolOp


class EnrolDialog(QDialog):
    def __init__(self, desk: Desk, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ctx = ctx
        self.station_name: str | None = None
        self.setWindowTitle(tr("sync_screen.enrol_title"))
        self.setMinimumWidth(520)
        intro = QLabel(tr("sync_screen.enrol_intro"))
        intro.setWordWrap(True)
        self.server = QLineEdit()
        self.server.setObjectName("enrolServer")
        self.server.setPlaceholderText("https://")
        self.code = QLineEdit()
        self.code.setObjectName("enrolCode")
        self.code.setPlaceholderText(tr("sync_screen.code_placeholder"))
        self.code.textChanged.connect(self._scanned)
        self.message = QLabel()
        self.message.setObjectName("enrolMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b71c1c;")
        form = QFormLayout()
        form.addRow(tr("sync_screen.server"), self.server)
        form.addRow(tr("sync_screen.code"), self.code)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("sync_screen.connect"))
        self.buttons.accepted.connect(self.connect_desk)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _scanned(self, text: str) -> None:
        if text.startswith(ENROL_PREFIX) and "#" in text:
            url, code = parse_enrolment_text(text)
            if url:
                self.server.setText(url)
            self.code.setText(code)

    def connect_desk(self) -> None:
        server, code = self.server.text().strip(), self.code.text().strip()
        if not code:
            self.message.setText(tr("sync_screen.code_required"))
            return
        self.buttons.setEnabled(False)
        self.message.setStyleSheet("color:#555;")
        self.message.setText(tr("sync_screen.connecting"))
        PoolOp(self, lambda: enrol(self.desk, server, code, self.ctx)).success(self._done).failure(
            self._failed
        ).run()

    def _done(self, station: str) -> None:
        self.station_name = station
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        self.message.setStyleSheet("color:#b71c1c;")
        text = describe(error) if isinstance(error, AppError) else str(error)
        self.message.setText(text)
