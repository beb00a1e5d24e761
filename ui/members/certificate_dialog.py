"""Issue a certificate to a member by hand (an award, a course outside the training module),
then print it: the certificate is signed and recorded first, its PDF previewed after."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.certificates import TITLES, carries_hours
from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.i18n import describe, tr
from desktop.services.cards import printouts
from desktop.services.certificates import commands as certificates
from desktop.services.certificates.commands import CertificateForm, IssuedCertificate
from ui.errors import show_error
from ui.printing import preview
from ui.session.state import DeskSession
from ui.tasks import DbOp, PoolOp

log = logging.getLogger(__name__)

NO_DATE = QDate(2000, 1, 1)  # the date edit's minimum, shown as "none"


class Recipient(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def member_number(self) -> str: ...


class OptionalDateEdit(QDateEdit):
    """A date, or none: starts empty; Delete or Backspace empties it again."""

    def __init__(self) -> None:
        super().__init__()
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(tr("certificate_dialog.no_date"))
        self.setToolTip(tr("certificate_dialog.date_hint"))
        self.setDate(NO_DATE)
        calendar = self.calendarWidget()
        calendar.installEventFilter(self)

    def value(self) -> date | None:
        chosen = self.date()
        if chosen == NO_DATE:
            return None
        return date(chosen.year(), chosen.month(), chosen.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))

    def stepBy(self, steps: int) -> None:
        if self.date() == NO_DATE:  # up/down from "none" starts at today, not in 2000
            self.setDate(QDate.currentDate())
            return
        super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.setDate(NO_DATE)
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.date() == NO_DATE:
            today = QDate.currentDate()  # the popup opens on this month, not on the minimum
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


class CertificateDialog(QDialog):
    """``issued`` holds the certificate once issued; ``show_pdf`` is replaced in tests."""

    def __init__(
        self, session: DeskSession, member: Recipient, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("certificateDialog")
        self.setWindowTitle(tr("certificate_dialog.window"))
        self.setMinimumWidth(520)
        self.session = session
        self.member = member
        self.issued: IssuedCertificate | None = None
        self._busy = False
        self.show_pdf: Callable[[bytes, str], bool] = lambda pdf, title: preview(self, pdf, title)

        self.recipient = QLabel(f"{member.name}  {member.member_number}")
        self.recipient.setObjectName("certificateRecipient")
        self.recipient.setTextFormat(Qt.TextFormat.PlainText)
        self.recipient.setStyleSheet("QLabel#certificateRecipient { font-size:18px; }")
        self.title = QComboBox()
        self.title.addItems(list(TITLES))
        self.purpose = QLineEdit()
        self.purpose.setMaxLength(certificates.PURPOSE_MAX)
        self.purpose.setPlaceholderText(tr("certificate_dialog.purpose_hint"))
        self.hours = QLineEdit()
        self.hours.setMaxLength(12)
        self.hours.setPlaceholderText(tr("certificate_dialog.hours_hint"))
        self.starts_on = OptionalDateEdit()
        self.ends_on = OptionalDateEdit()
        # An honour states no hours (domain.certificates): the field is emptied and locked
        # while one is chosen, and what was typed comes back if the title is changed back.
        self._typed_hours = ""
        self.title.currentTextChanged.connect(self._title_chosen)

        form = QFormLayout()
        form.addRow(tr("certificate_dialog.recipient"), self.recipient)
        form.addRow(tr("certificate_dialog.title"), self.title)
        form.addRow(tr("certificate_dialog.purpose") + " *", self.purpose)
        form.addRow(tr("certificate_dialog.hours"), self.hours)
        form.addRow(tr("certificate_dialog.starts_on"), self.starts_on)
        form.addRow(tr("certificate_dialog.ends_on"), self.ends_on)

        # Said before anything is printed: with no public address the QR leads nowhere a
        # phone can go; it is still one any station checks.
        self.no_address = QLabel(tr("certificate.no_verify_url"))
        self.no_address.setObjectName("certificateNoAddress")
        self.no_address.setWordWrap(True)
        self.no_address.setStyleSheet(
            "QLabel#certificateNoAddress { background:#fff8c5; color:#7a5200;"
            " border:1px solid #d4a72c; border-radius:4px; padding:8px; }"
        )
        self.offline_only = not certificates.known_address(session.desk.uow())
        self.no_address.setVisible(self.offline_only)

        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setStyleSheet("color:#c62828; font-weight:bold;")
        self.error.setWordWrap(True)
        self.error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(
            tr(
                "certificate_dialog.issue_offline"
                if self.offline_only
                else "certificate_dialog.issue"
            )
        )
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("certificate_dialog.cancel"))
        self.buttons.accepted.connect(self.issue)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.no_address)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.purpose.setFocus()

    def _title_chosen(self, title: str) -> None:
        takes_hours = carries_hours(title)
        if takes_hours == self.hours.isEnabled():
            return
        if takes_hours:
            self.hours.setText(self._typed_hours)
            self.hours.setPlaceholderText(tr("certificate_dialog.hours_hint"))
        else:
            self._typed_hours = self.hours.text()
            self.hours.clear()
            self.hours.setPlaceholderText(tr("certificate_dialog.hours_honour", title=title))
        self.hours.setEnabled(takes_hours)

    def form(self) -> CertificateForm:
        return CertificateForm(
            member_id=self.member.id,
            title=self.title.currentText(),
            purpose=self.purpose.text(),
            hours=self.hours.text(),
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
        )

    def issue(self) -> None:
        if self._busy:
            return  # one certificate per OK, however often it is pressed
        if self.issued is not None:  # issued, but printing it failed: print it again
            self._set_busy(True)
            self._issued(self.issued)
            return
        form, desk, ctx = self.form(), self.session.desk, self.session.ctx()
        self._set_busy(True)
        op = DbOp(self, lambda: certificates.issue_certificate(form, desk.uow(), ctx, desk.keys))
        op.publish(self.session.changes, Changes(cards=True, outbox=True))
        op.success(self._issued).failure(self._failed).run()

    # --- reactions ------------------------------------------------------------------------

    def _issued(self, issued: IssuedCertificate) -> None:
        log.info("certificate %s issued to %s", issued.serial, self.member.id)
        self.issued = issued
        uow = self.session.desk.uow
        op = PoolOp(self, lambda: printouts.certificate_pdf_for(uow(), issued))
        op.success(self._rendered).failure(self._failed).run()

    def _rendered(self, pdf: bytes) -> None:
        assert self.issued is not None
        self._set_busy(False)
        self.show_pdf(pdf, tr("certificate_dialog.print_title", serial=self.issued.serial))
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, AppError):
            self.error.setText(describe(error))
            self.error.show()
            return
        show_error(self, error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.ok_button.setEnabled(not busy)
        if busy:
            self.error.hide()
