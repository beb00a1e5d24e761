"""Verify a member card or a certificate: scan it (or paste its text), read the verdict in a
coloured band and the signed contents below. Nothing is recorded; the input is ready for the
next code at once."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import AppError
from desktop.i18n import describe, tr
from desktop.identity.tokens import Problem, Verdict
from desktop.services.cards import verification
from desktop.services.cards.verification import Scan, ScanKind
from desktop.services.desk.desks import DeskNames, desk_names
from ui.checkin.band import ResultBand, Tone
from ui.desk_names import desk_label, desk_tip
from ui.errors import show_error
from ui.printing import preview
from ui.session.state import DeskSession
from ui.tasks import DbOp, PoolOp

log = logging.getLogger(__name__)

SHOWN_TEXT_MAX = 80  # of what was scanned, echoed under the band
UNCHECKED = (Verdict.ALTERED, Verdict.UNKNOWN_DEVICE, Verdict.UNKNOWN_CERTIFICATE)


def tone_of(scan: Scan) -> Tone:
    if scan.valid:
        return Tone.OK
    if scan.verdict is Verdict.UNKNOWN_DEVICE:
        return Tone.REPEAT  # maybe genuine, cannot tell here: orange, not red
    return Tone.ERROR


def headline(scan: Scan) -> str:
    """The verdict in a few words, for the band's large line."""
    verdict, card = scan.verdict, scan.kind is ScanKind.CARD
    if scan.revoked:
        return tr("verify_screen.certificate_revoked")
    if verdict is Verdict.VALID:
        if card and scan.member_name:
            return tr("verify_screen.card_ok_name", name=scan.member_name)
        return tr("verify_screen.card_ok" if card else "verify_screen.certificate_ok")
    if verdict is Verdict.UNKNOWN_DEVICE:
        return tr("verify_screen.unknown_device")
    if verdict is Verdict.BLOCKED:
        return tr("verify_screen.card_blocked")
    if verdict is Verdict.DEACTIVATED:
        return tr("verify_screen.card_deactivated")
    if verdict is Verdict.UNKNOWN_CERTIFICATE:
        return tr("verify_screen.certificate_unknown")
    if scan.problem is Problem.SIGNATURE:
        return tr("verify_screen.card_altered" if card else "verify_screen.certificate_altered")
    return tr("verify_screen.not_recognised")


class ScanInput(QLineEdit):
    """Takes a scanner's burst or a paste; Enter submits, Esc clears."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("verifyInput")
        self.setPlaceholderText(tr("verify_screen.placeholder"))
        self.setMinimumHeight(48)
        self.setStyleSheet("QLineEdit#verifyInput { font-size:20px; padding:4px 10px; }")
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class VerifyScreen(QWidget):
    """``verify(text)`` checks one code; ``last_scan`` is the answer on show."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifyScreen")
        self.session = session
        self.last_scan: Scan | None = None
        self.names = DeskNames(session.device.code)  # of the desk that issued what is shown

        self.input = ScanInput()
        self.input.returnPressed.connect(self.submit)
        self.check_button = QPushButton(tr("verify_screen.check"))
        self.check_button.setObjectName("verifyCheck")
        self.check_button.setMinimumHeight(48)
        self.check_button.setMinimumWidth(110)
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.submit)

        self.band = ResultBand(tr("verify_screen.idle"))
        self.scanned = QLabel()
        self.scanned.setObjectName("verifyScanned")
        self.scanned.setStyleSheet("QLabel#verifyScanned { color:#607d8b; }")
        self.scanned.setTextFormat(Qt.TextFormat.PlainText)

        self.contents = QGroupBox()
        self.contents.setObjectName("verifyContents")
        self.contents.setStyleSheet(
            "QGroupBox#verifyContents { font-size:16px; font-weight:bold; }"
            "QGroupBox#verifyContents QLabel { font-size:16px; font-weight:normal; }"
        )
        self.note = QLabel()
        self.note.setObjectName("verifyUnchecked")
        self.note.setStyleSheet("QLabel#verifyUnchecked { color:#ef6c00; }")
        self.note.setWordWrap(True)
        self.rows = QFormLayout()
        self.rows.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.rows.setHorizontalSpacing(24)
        self.rows.setVerticalSpacing(8)
        inner = QVBoxLayout(self.contents)
        inner.setContentsMargins(24, 16, 24, 16)
        inner.addWidget(self.note)
        inner.addLayout(self.rows)
        self.contents.hide()
        # A genuine certificate printed before the desk knew the public address (its QR a
        # phone cannot open) is printed again under the same serial.
        self.reprint_button = QPushButton(tr("verify_screen.reprint"))
        self.reprint_button.setObjectName("verifyReprint")
        self.reprint_button.setToolTip(tr("verify_screen.reprint_tip"))
        self.reprint_button.setAutoDefault(False)
        self.reprint_button.clicked.connect(self.reprint)
        self.reprint_button.hide()
        self.show_pdf = lambda pdf, title: preview(self, pdf, title)

        top = QHBoxLayout()
        top.addWidget(self.input, 1)
        top.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.band)
        layout.addWidget(self.scanned)
        layout.addWidget(self.contents)
        layout.addWidget(self.reprint_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.setFocusProxy(self.input)

    # --- public ---------------------------------------------------------------------------

    def submit(self) -> None:
        text = self.input.text()
        self.input.clear()  # ready for the next scan whatever this one turns out to be
        self.input.setFocus()
        if text.strip():
            self.verify(text)

    def verify(self, text: str) -> None:
        uow = self.session.desk.uow

        def check() -> tuple[Scan, DeskNames]:
            scan = verification.scan(uow(), text)
            return scan, desk_names(uow(), [scan.device_code or ""])

        op = DbOp(self, check)
        op.success(lambda found: self.show_scan(found[0], found[1], text))
        op.failure(self._failed).run()

    def show_scan(self, scan: Scan, names: DeskNames | None = None, text: str = "") -> None:
        self.last_scan = scan
        self.names = names or DeskNames(self.session.device.code)
        # "Valid member card." would only repeat the headline.
        plain_valid = scan.message_code == "verify.card_valid"
        detail = "" if plain_valid else tr(scan.message_code, **scan.message_params)
        self.band.show_result(tone_of(scan), headline(scan), detail, sticky=True)
        # What came in is echoed when it did not read as a good code (a valid one's signed
        # text is a line of letters an attendant has no use for).
        self._show_scanned("" if scan.valid else text)
        self._show_contents(scan)
        self.reprint_button.setVisible(
            scan.kind is ScanKind.CERTIFICATE and scan.valid and bool(scan.certificate_serial)
        )

    def reprint(self) -> None:
        scan = self.last_scan
        if scan is None or not scan.certificate_serial:
            return
        serial, uow = scan.certificate_serial, self.session.desk.uow
        from desktop.services.cards import printouts
        from desktop.services.certificates import commands as certificates

        op = PoolOp(
            self, lambda: printouts.certificate_pdf_for(uow(), certificates.reprint(uow(), serial))
        )
        title = tr("verify_screen.reprint_title", serial=serial)
        self.reprint_button.setEnabled(False)  # one reprint per press, however often pressed

        def done(pdf: bytes) -> None:
            self.reprint_button.setEnabled(True)
            self.show_pdf(pdf, title)

        def failed(error: Exception) -> None:
            self.reprint_button.setEnabled(True)
            self._failed(error)

        op.success(done).failure(failed).run()

    def clear(self) -> None:
        self.last_scan = None
        self.input.clear()
        self.band.clear()
        self.scanned.clear()
        self.contents.hide()
        self.reprint_button.hide()

    # --- inside ---------------------------------------------------------------------------

    def _show_scanned(self, text: str) -> None:
        shown = " ".join(text.split())
        if len(shown) > SHOWN_TEXT_MAX:
            shown = shown[: SHOWN_TEXT_MAX - 1] + "…"
        self.scanned.setText(tr("verify_screen.scanned", text=shown) if shown else "")

    def _show_contents(self, scan: Scan) -> None:
        while self.rows.rowCount():
            self.rows.removeRow(0)
        rows = scan.rows
        self.contents.setVisible(bool(rows))
        if not rows:
            return
        card = scan.kind is ScanKind.CARD
        self.contents.setTitle(
            tr("verify_screen.contents_card" if card else "verify_screen.contents_certificate")
        )
        # What a code claims without a matching signature is shown, but said to be unchecked.
        self.note.setText(tr("verify_screen.unchecked"))
        self.note.setVisible(scan.verdict in UNCHECKED)
        if card and scan.member_id and not scan.member_name:
            rows = (("scan.member_name", tr("verify_words.member_elsewhere")), *rows)
        for label_code, value in rows:
            tip = ""
            if label_code == "scan.device":  # which desk, in words; the code for support
                value, tip = desk_label(value, self.names), desk_tip(value)
            shown = QLabel(value)
            shown.setToolTip(tip)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setObjectName(label_code.replace(".", "_"))
            if label_code == "scan.revoked_reason":
                shown.setStyleSheet("color:#c62828; font-weight:bold;")
            self.rows.addRow(tr("verify_screen.label", label=tr(label_code)), shown)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, AppError):
            self.band.show_result(Tone.ERROR, describe(error), sticky=True)
            return
        log.error("verifying failed", exc_info=error)
        show_error(self, error)
