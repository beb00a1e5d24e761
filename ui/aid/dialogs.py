"""Small dialogs of the aid screens: a lead's override, a signature pad, one line of text."""

from __future__ import annotations

import base64

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.aid import Campaign
from desktop.i18n import tr


def ask_text(parent: QWidget, title: str, label: str) -> str:
    """One line typed (or scanned); empty when cancelled."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text.strip() if ok else ""


class OverrideDialog(QDialog):
    """A station lead types their PIN and the reason; the handout records both."""

    def __init__(self, refusal: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overrideDialog")
        self.setWindowTitle(tr("aid.ui.override"))
        self.setMinimumWidth(460)
        explain = QLabel(tr("aid.ui.override_explain", refusal=refusal))
        explain.setWordWrap(True)
        self.pin = QLineEdit()
        self.pin.setObjectName("overridePin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.reason = QLineEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(tr("aid.ui.override_reason_hint"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.problem = QLabel()
        self.problem.setStyleSheet("color:#c62828;")
        form = QFormLayout(self)
        form.addRow(explain)
        form.addRow(tr("aid.ui.lead_pin"), self.pin)
        form.addRow(tr("aid.ui.override_reason"), self.reason)
        form.addRow(self.problem)
        form.addRow(buttons)

    def _accept(self) -> None:
        if not self.pin.text() or not self.reason.text().strip():
            self.problem.setText(tr("aid.ui.override_incomplete"))
            return
        self.accept()


class SignaturePad(QWidget):
    """Draw with the mouse or a pen; the strokes become a small PNG."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("signaturePad")
        self.setMinimumSize(480, 180)
        self.image = QImage(480, 180, QImage.Format.Format_Grayscale8)
        self.image.fill(QColor("white"))
        self.last: QPoint | None = None
        self.drawn = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.last = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self.last is not None:
            painter = QPainter(self.image)
            painter.setPen(QPen(QColor("black"), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(self.last, point)
            painter.end()
            self.drawn = True
            self.update()
        self.last = point

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.last = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(0, 0, self.image)
        painter.setPen(QColor("#90a4ae"))
        painter.drawRect(0, 0, self.image.width() - 1, self.image.height() - 1)
        painter.end()

    def clear(self) -> None:
        self.image.fill(QColor("white"))
        self.drawn = False
        self.update()

    def png(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # The stubs want bytes for the format; PySide6 accepts only str here.
        mono = self.image.convertToFormat(QImage.Format.Format_Mono)  # 1 bit: a few KB
        mono.save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())


class SignatureDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signatureDialog")
        self.setWindowTitle(tr("aid.ui.signature_title"))
        self.pad = SignaturePad()
        clear = QPushButton(tr("aid.ui.signature_clear"))
        clear.clicked.connect(self.pad.clear)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("aid.ui.signature_explain")))
        layout.addWidget(self.pad)
        layout.addWidget(clear)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if self.pad.drawn:
            self.accept()

    def png_base64(self) -> str:
        return base64.b64encode(self.pad.png()).decode("ascii")


def campaign_label(campaign: Campaign) -> str:
    """A campaign's name as the pickers list it: one HQ sent says so (中心下发)."""
    return f"{campaign.name}（{tr('aid.central')}）" if campaign.central else campaign.name
