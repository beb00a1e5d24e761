"""Who is on duty: pick your name, type your PIN. Shown at start and whenever the desk locks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.bootstrap import Desk
from desktop.domain.errors import AppError
from desktop.domain.model import Device, Operator
from desktop.i18n import describe, tr
from desktop.services.desk import operators


class SignInPage(QWidget):
    signed_in = Signal(object)  # Operator

    def __init__(self, desk: Desk, device: Device) -> None:
        super().__init__()
        self.setObjectName("signInPage")
        self.desk = desk
        title = QLabel(device.station.name)
        title.setStyleSheet("font-size:28px; font-weight:bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle = QLabel(tr("signin.subtitle"))
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle.setStyleSheet("color:#546e7a; font-size:16px;")

        self.people = QListWidget()
        self.people.setObjectName("operatorList")
        self.people.setStyleSheet("font-size:18px;")
        self.pin = QLineEdit()
        self.people.itemActivated.connect(lambda _item: self.pin.setFocus())
        self.pin.setObjectName("pinInput")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(tr("signin.pin"))
        self.pin.setStyleSheet("font-size:22px; padding:6px;")
        self.pin.returnPressed.connect(self.submit)
        self.button = QPushButton(tr("signin.button"))
        self.button.setMinimumHeight(44)
        self.button.clicked.connect(self.submit)
        self.error = QLabel()
        self.error.setObjectName("signInError")
        self.error.setStyleSheet("color:#c62828; font-weight:bold; font-size:15px;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)

        card = QFrame()
        card.setObjectName("signInCard")
        card.setFixedWidth(420)
        card.setStyleSheet(
            "QFrame#signInCard { background:#ffffff; border:1px solid #cfd8dc; border-radius:8px; }"
        )
        inner = QVBoxLayout(card)
        inner.addWidget(QLabel(tr("signin.who")))
        inner.addWidget(self.people)
        inner.addWidget(self.pin)
        inner.addWidget(self.button)
        inner.addWidget(self.error)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(12)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.reload()

    def reload(self, select_id: str | None = None) -> None:
        self.people.clear()
        for operator in operators.list_operators(self.desk.uow()):
            role = tr("role." + operator.role.value)
            item = QListWidgetItem(tr("desk_name.person_role", name=operator.name, role=role))
            item.setData(Qt.ItemDataRole.UserRole, operator.id)
            self.people.addItem(item)
            if operator.id == select_id:
                self.people.setCurrentItem(item)
        if self.people.currentRow() < 0 and self.people.count():
            self.people.setCurrentRow(0)
        self.pin.clear()
        self.error.clear()

    def select(self, name: str) -> None:
        for row in range(self.people.count()):
            if self.people.item(row).text().startswith(name):
                self.people.setCurrentRow(row)

    def submit(self) -> None:
        item = self.people.currentItem()
        if item is None:
            return
        try:
            operator: Operator = operators.sign_in(
                self.desk.uow(), item.data(Qt.ItemDataRole.UserRole), self.pin.text()
            )
        except AppError as error:
            self.error.setText(describe(error))
            self.pin.clear()
            self.pin.setFocus()
            return
        self.pin.clear()
        self.error.clear()
        self.signed_in.emit(operator)
