"""Register or edit a member, warning of likely duplicates while the person types."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.domain.model import DuplicateHint, Member
from desktop.domain.people import mask_phone
from desktop.i18n import describe, join, tr
from desktop.services.desk.settings import read_settings
from desktop.services.members import commands as members
from ui.session.state import DeskSession
from ui.tasks import DbOp


def split_prefill(text: str) -> tuple[str, str]:
    """What the check-in box held when "not found" led here: a name or a phone number."""
    text = text.strip()
    digits = re.sub(r"[\s\-]", "", text)
    if digits.isdigit():
        return "", digits if len(digits) >= 7 else ""
    if re.search(r"[\u3400-\u9fff]", text):
        return text, ""
    return "", ""


class MemberFormDialog(QDialog):
    """``exec()``, then ``saved_member`` holds the member registered, edited or chosen.

    ``opened_existing`` is set when the person picked a likely duplicate instead.

    A walk-in is registered with the keyboard alone, in as few keys as can be: name, then
    the phone (its first digit moves there by itself), then Enter, which is the person's
    consent, read out on the button ("本人同意 · 登记"); a second button registers a name
    alone without consent. The optional fields sit below, out of the tab order's way. When
    the phone is already on file, Enter means "that is this person", never "save anyway".
    """

    def __init__(
        self,
        session: DeskSession,
        member: Member | None = None,
        prefill: str = "",
        parent: QWidget | None = None,
        accept_label: str = "",
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.member = member
        self.saved_member: Member | None = None
        self.opened_existing: Member | None = None
        self._confirm_same_phone = False
        self.setObjectName("memberForm")
        self.setWindowTitle(tr("form.title_edit" if member else "form.title_new"))
        self.setMinimumWidth(560)

        settings = read_settings(session.desk.uow())
        occupations, tags = settings.occupations, settings.tags

        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(tr("form.phone_hint"))
        self.occupation = QComboBox()
        self.occupation.setEditable(True)
        self.occupation.addItems(["", *occupations])
        self.employer = QLineEdit()
        self.employer.setPlaceholderText(tr("form.employer_hint"))
        self.union_branch = QLineEdit()
        self.tag_boxes: dict[str, QCheckBox] = {}
        tag_row = QHBoxLayout()
        for tag in dict.fromkeys([*tags, *(member.tags if member else ())]):
            box = QCheckBox(tag)
            self.tag_boxes[tag] = box
            tag_row.addWidget(box)
        tag_row.addStretch(1)
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(30)
        self.id_number.setPlaceholderText(
            tr("form.id_kept", last4=member.id_last4)
            if member and member.id_last4
            else tr("form.id_hint")
        )
        self.consent = QCheckBox(tr("form.consent"))
        self.consent.setObjectName("consentBox")
        self.clear_id = QCheckBox(tr("form.clear_id"))
        self.clear_id.setVisible(bool(member and member.id_last4))

        form = QFormLayout()
        form.addRow(tr("form.name") + " *", self.name)
        form.addRow(tr("form.phone"), self.phone)
        self.consent_text = QLabel(tr("form.consent"))
        self.consent_text.setObjectName("consentText")
        self.consent_text.setWordWrap(True)
        self.consent_text.setStyleSheet("color:#37474f;")
        if member is None:  # a new member agrees with the button that registers them
            self.consent.hide()
            form.addRow("", self.consent_text)
        else:
            self.consent_text.hide()
            self.consent.setText("")
            self.consent.setToolTip(tr("form.consent"))
            consent_row = QHBoxLayout()
            consent_row.addWidget(self.consent)
            consent_label = QLabel(tr("form.consent"))
            consent_label.setWordWrap(True)
            consent_label.setBuddy(self.consent)
            consent_row.addWidget(consent_label, 1)
            form.addRow("", consent_row)
        optional = QLabel(tr("form.optional"))
        optional.setStyleSheet("color:#546e7a; margin-top:8px;")
        form.addRow(optional)
        form.addRow(tr("form.occupation"), self.occupation)
        form.addRow(tr("form.employer"), self.employer)
        form.addRow(tr("form.union_branch"), self.union_branch)
        form.addRow(tr("form.tags"), tag_row)
        form.addRow(tr("form.id_number"), self.id_number)
        form.addRow("", self.clear_id)

        self.duplicates = QLabel()
        self.duplicates.setObjectName("duplicateWarning")
        self.duplicates.setWordWrap(True)
        self.duplicates.setStyleSheet(
            "QLabel#duplicateWarning { background:#fff4e0; border:1px solid #f0a030;"
            " padding:6px; border-radius:4px; }"
        )
        self.duplicates.hide()
        self.open_existing = QPushButton(tr("form.open_existing"))
        self.open_existing.hide()
        self.open_existing.clicked.connect(self._open_existing)
        self._hints: list[DuplicateHint] = []

        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setStyleSheet("color:#c62828; font-weight:bold;")
        self.error.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.action = accept_label or tr("form.save")
        self.save_button.setText(self._save_text())
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("form.cancel"))
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        self.name_only_button: QPushButton | None = None
        if member is None:
            self.name_only_button = self.buttons.addButton(
                tr("form.name_only"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.name_only_button.setObjectName("nameOnly")
            self.name_only_button.clicked.connect(self._save_name_only)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        dup_row = QHBoxLayout()
        dup_row.addWidget(self.duplicates, 1)
        dup_row.addWidget(self.open_existing)
        layout.addLayout(dup_row)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        if member:
            self._fill(member)
        else:
            name, phone = split_prefill(prefill)
            self.name.setText(name)
            self.phone.setText(phone)
        self.name.installEventFilter(self)
        self.name.returnPressed.connect(self._name_entered)
        self.setTabOrder(self.name, self.phone)
        self.setTabOrder(self.phone, self.save_button)

        self._dup_timer = QTimer(self)
        self._dup_timer.setSingleShot(True)
        self._dup_timer.setInterval(150)
        self._dup_timer.timeout.connect(self.check_duplicates)
        for edit in (self.name, self.phone, self.id_number):
            edit.textChanged.connect(self._dup_timer.start)
        self.phone.textChanged.connect(self._reset_confirmation)
        # The name came from the search box: the phone is what is left to type.
        (self.phone if self.name.text() and not self.phone.text() else self.name).setFocus()

    def _save_text(self) -> str:
        if self.member is not None:
            return self.action
        return tr("form.agree_and", action=self.action)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A digit typed in the name is the phone number starting: it goes there."""
        if (
            watched is self.name
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.text()
            and event.text().isdigit()
        ):
            self.phone.setFocus(Qt.FocusReason.OtherFocusReason)
            self.phone.insert(event.text())
            return True
        return super().eventFilter(watched, event)

    def _name_entered(self) -> None:
        if not self.phone.text():
            self.phone.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the name field with no phone yet moves on instead of saving.
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.name.hasFocus()
            and not self.phone.text()
            and self.member is None
        ):
            self._name_entered()
            return
        super().keyPressEvent(event)

    def _save_clicked(self) -> None:
        if self.member is None:
            self.consent.setChecked(True)  # the button says so: "本人同意 · 登记"
        self.save()

    def _save_name_only(self) -> None:
        self.consent.setChecked(False)
        self.save()

    def _fill(self, member: Member) -> None:
        self.name.setText(member.name)
        self.phone.setText(member.phone or "")
        self.occupation.setCurrentText(member.occupation)
        self.employer.setText(member.employer)
        self.union_branch.setText(member.union_branch)
        for tag in member.tags:
            self.tag_boxes[tag].setChecked(True)
        self.consent.setChecked(member.consent_at is not None)

    def form(self) -> members.MemberForm:
        return members.MemberForm(
            name=self.name.text(),
            phone=self.phone.text(),
            occupation=self.occupation.currentText(),
            employer=self.employer.text(),
            union_branch=self.union_branch.text(),
            tags=tuple(tag for tag, box in self.tag_boxes.items() if box.isChecked()),
            id_number=self.id_number.text(),
            consent=self.consent.isChecked(),
            clear_id_number=self.clear_id.isChecked(),
        )

    def check_duplicates(self) -> None:
        hints = members.find_duplicates(
            self.session.desk.uow(),
            self.name.text(),
            self.phone.text(),
            self.id_number.text(),
            exclude_id=self.member.id if self.member else "",
        )
        self._hints = hints
        if not hints:
            self.duplicates.hide()
            self.open_existing.hide()
            self._default_is_existing(False)
            return
        lines = []
        for hint in hints[:3]:
            why = join(tr("form.dup_reason." + r) for r in hint.reasons)
            phone = mask_phone(hint.member.phone) if hint.member.phone else "-"
            lines.append(
                tr(
                    "form.dup_line",
                    name=hint.member.name,
                    number=hint.member.member_number,
                    phone=phone,
                    why=why,
                )
            )
        self.duplicates.setText(tr("form.dup_title") + "\n" + "\n".join(lines))
        self.duplicates.show()
        self.open_existing.setVisible(self.member is None)
        self._default_is_existing(self.member is None)

    def _default_is_existing(self, existing: bool) -> None:
        """With a likely duplicate shown, Enter opens that person; saving anyway is a click."""
        self.open_existing.setDefault(existing)
        self.open_existing.setAutoDefault(existing)
        self.save_button.setDefault(not existing)
        self.save_button.setAutoDefault(not existing)

    def _open_existing(self) -> None:
        if self._hints:
            self.opened_existing = self._hints[0].member
            self.saved_member = self._hints[0].member
            self.accept()

    def _reset_confirmation(self) -> None:
        if self._confirm_same_phone:
            self._confirm_same_phone = False
            self.save_button.setText(self._save_text())

    def save(self) -> None:
        self.error.clear()
        form, ctx, uow = self.form(), self.session.ctx(), self.session.desk.uow()
        if self.member is None:
            confirm = self._confirm_same_phone

            def work() -> Member:
                return members.register_member(form, uow, ctx, confirm_duplicates=confirm)
        else:
            member, confirm = self.member, self._confirm_same_phone

            def work() -> Member:
                return members.update_member(
                    member.id, form, member.version, uow, ctx, confirm_duplicates=confirm
                )

        self.save_button.setEnabled(False)
        DbOp(self, work).publish(self.session.changes, Changes(members=True, outbox=True)).success(
            self._saved
        ).failure(self._failed).run()

    def _saved(self, member: Member) -> None:
        self.save_button.setEnabled(True)
        self.saved_member = member
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        if not isinstance(error, AppError):
            raise error
        self.error.setText(describe(error))
        if error.code == "member.duplicate_phone":
            self._confirm_same_phone = True
            self.save_button.setText(tr("form.save_anyway"))
            self.check_duplicates()  # shows who has that phone; Enter opens them
            self.open_existing.setFocus(Qt.FocusReason.OtherFocusReason)
        field = {
            "name": self.name,
            "phone": self.phone,
            "id_number": self.id_number,
            "employer": self.employer,
            "union_branch": self.union_branch,
            "consent": self.consent,
        }.get(str(error.params.get("field", "")))
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
