"""First start: name the station, pick its kind, create the first admin."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
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
from desktop.domain.model import Device, Operator, StationKind
from desktop.i18n import describe, tr
from desktop.services.desk import setup


class SetupDialog(QDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.result_pair: tuple[Device, Operator] | None = None
        self.setObjectName("setupDialog")
        self.setWindowTitle(tr("setup.title"))

        intro = QLabel(tr("setup.intro"))
        intro.setWordWrap(True)
        self.station_name = QLineEdit()
        self.station_name.setPlaceholderText(tr("setup.station_name_hint"))
        self.kind = QComboBox()
        self.kind.addItem(tr("setup.kind_station"), StationKind.STATION.value)
        self.kind.addItem(tr("setup.kind_event"), StationKind.EVENT.value)
        self.union_name = QLineEdit()
        self.union_name.setPlaceholderText(tr("setup.union_hint"))
        self.verify_url = QLineEdit()
        self.verify_url.setObjectName("setupVerifyUrl")
        self.verify_url.setPlaceholderText(tr("setup.verify_url_hint"))
        self.admin_name = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again = QLineEdit()
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        for hinted in (self.station_name, self.union_name, self.verify_url):  # hints read whole
            hint = hinted.fontMetrics().horizontalAdvance(hinted.placeholderText())
            hinted.setMinimumWidth(hint + 24)
        self.error = QLabel()
        self.error.setStyleSheet("color:#c62828; font-weight:bold;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(tr("setup.station_name"), self.station_name)
        form.addRow(tr("setup.kind"), self.kind)
        form.addRow(tr("setup.union"), self.union_name)
        form.addRow(tr("setup.verify_url"), self.verify_url)
        form.addRow(tr("setup.admin_name"), self.admin_name)
        form.addRow(tr("setup.pin"), self.pin)
        form.addRow(tr("setup.pin_again"), self.pin_again)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("setup.start"))
        buttons.accepted.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # As wide as its labels and hints need (a fixed 520 cut both in English), never less.
        self.setMinimumWidth(max(520, layout.sizeHint().width()))

    def save(self) -> None:
        if self.pin.text() != self.pin_again.text():
            self.error.setText(tr("setup.pin_mismatch"))
            self.pin_again.setFocus()
            return
        command = setup.StationSetup(
            station_name=self.station_name.text(),
            kind=StationKind(self.kind.currentData()),
            union_name=self.union_name.text(),
            admin_name=self.admin_name.text(),
            admin_pin=self.pin.text(),
            verify_url=self.verify_url.text(),
        )
        try:
            self.result_pair = setup.set_up_station(command, self.desk.uow())
        except AppError as error:
            self.error.setText(describe(error))
            return
        self.desk.register_own_key()
        self.accept()
