"""The member list: filter as you type, sort by any column, register, edit, deactivate."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.domain.model import Member, Role
from desktop.i18n import tr
from desktop.services.cards import commands as cards
from desktop.services.cards import printouts
from desktop.services.members import commands as members
from ui.changes import follow
from ui.errors import show_error
from ui.members.certificate_dialog import CertificateDialog
from ui.members.list_model import COLUMNS, DEFAULT_SORT_COLUMN, MemberListModel
from ui.members.print_check import ask_spoiled
from ui.printing import preview
from ui.session.state import DeskSession
from ui.tables import read_only_rows
from ui.tasks import DbOp

log = logging.getLogger(__name__)

CARDS = Changes(cards=True, outbox=True)

REASON_MAX = 200
NOTICE_MS = 5000
UNPRINTED_BATCH = 500  # cards in one print job: 50 A4 sheets
_COMMON_REASONS = ("members.reason_moved", "members.reason_duplicate", "members.reason_request")


class ReasonDialog(QDialog):
    """Asks why a member is deactivated; common reasons to pick, or type another."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deactivateReason")
        self.setWindowTitle(tr("members.deactivate_title"))
        self.setMinimumWidth(420)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems([tr(code) for code in _COMMON_REASONS])
        self.reason.setCurrentIndex(-1)
        line = self.reason.lineEdit()
        assert line is not None
        line.setMaxLength(REASON_MAX)
        line.setPlaceholderText(tr("members.reason_hint"))
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(
            tr("members.deactivate"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(tr("members.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reason.currentTextChanged.connect(self._update)
        self._update()

        layout = QVBoxLayout(self)
        question = QLabel(tr("members.deactivate_question", name=name))
        question.setWordWrap(True)
        layout.addWidget(question)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.text()))

    def text(self) -> str:
        return " ".join(self.reason.currentText().split())


class MembersScreen(QWidget):
    """All members of the station. ``refresh()`` reloads after changes made elsewhere."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("membersScreen")
        self._reselect: str | None = None
        self._keep_scroll: int | None = None
        self._changing = False

        self.model = MemberListModel(session.desk.uow, self)
        self.model.modelAboutToBeReset.connect(self._remember_selection)

        self.filter = QLineEdit()
        self.filter.setObjectName("memberFilter")
        self.filter.setPlaceholderText(tr("members.filter_hint"))
        self.filter.setClearButtonEnabled(True)
        # Wide enough for its hint in either language (it was cut at "last 4 of pho…").
        hint = self.filter.fontMetrics().horizontalAdvance(self.filter.placeholderText())
        self.filter.setMinimumWidth(max(220, hint + 36))
        self.filter.textChanged.connect(self.model.set_filter)
        self.filter.installEventFilter(self)

        self.count_label = QLabel(tr("members.loading"))
        self.count_label.setObjectName("memberCount")
        self.notice = QLabel()
        self.notice.setObjectName("memberNotice")
        self.notice.setStyleSheet("QLabel#memberNotice { color: #1a7f37; }")
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.clear)

        self.register_button = QPushButton(tr("members.register"))
        self.register_button.clicked.connect(self.register)
        self.edit_button = QPushButton(tr("members.edit"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button = QPushButton(tr("members.deactivate"))
        self.active_button.clicked.connect(self.toggle_active)
        if not session.can(Role.LEAD):
            self.active_button.setToolTip(tr("members.lead_only"))
        self.print_button = QPushButton(tr("print.card"))
        self.print_button.setObjectName("printCard")
        self.print_button.clicked.connect(self.print_selected_card)
        self.print_unprinted_button = QPushButton(tr("print.unprinted"))
        self.print_unprinted_button.setObjectName("printUnprinted")
        self.print_unprinted_button.clicked.connect(self.print_unprinted_cards)
        # Lost and reissued cards: less frequent, so in one menu rather than two buttons.
        self.card_menu_button = QPushButton(tr("cards.menu"))
        card_menu = QMenu(self.card_menu_button)
        self.lost_action = card_menu.addAction(tr("cards.report_lost"), self.report_card_lost)
        self.reissue_action = card_menu.addAction(tr("cards.reissue"), self.reissue_card)
        self.card_menu_button.setMenu(card_menu)
        self.certificate_button = QPushButton(tr("members.issue_certificate"))
        self.certificate_button.setObjectName("issueCertificate")
        self.certificate_button.clicked.connect(self.issue_certificate)
        # Replaced in tests: how a finished PDF reaches the person (Qt's print preview).
        # True when the pages were sent; replaced in tests
        self.show_pdf: Callable[[bytes, str], bool] = lambda pdf, title: preview(self, pdf, title)

        self.table = self._make_table()
        # After the view's own reset handler, which clears the selection this one restores.
        self.model.modelReset.connect(self._on_loaded)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        top.addWidget(self.notice)
        top.addStretch(1)
        top.addWidget(self.register_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.active_button)
        top.addWidget(self.print_button)
        top.addWidget(self.print_unprinted_button)
        top.addWidget(self.card_menu_button)
        top.addWidget(self.certificate_button)
        from ui.imports import roster_menu  # member import and export (reports area)

        self.roster_button = roster_menu(self, session, self.refresh)
        top.addWidget(self.roster_button)
        # Menu buttons are push buttons (room for the arrow) that keep their width when the
        # row is tight: the filter gives way.
        for button in (self.card_menu_button, self.roster_button):
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self._update_buttons()
        self.model.refresh()
        # Members registered at the check-in desk, imported, merged or pulled by sync.
        follow(session.changes, self, lambda c: c.members, self.refresh)

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("memberTable")
        table.setModel(self.model)
        read_only_rows(table)
        # Several members at once (Ctrl/Shift+click) for printing their cards in one job.
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 12)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        for column, spec in enumerate(COLUMNS):
            table.setColumnWidth(column, spec.width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # tags take what is left
        header.setSortIndicator(DEFAULT_SORT_COLUMN, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._keep_sortable_indicator)
        table.setSortingEnabled(True)
        table.activated.connect(lambda _index: self.edit_selected())  # double-click, Enter
        selection = table.selectionModel()
        selection.selectionChanged.connect(lambda *_: self._update_buttons())
        return table

    # --- public ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload from the database, keeping the selection and where the list was scrolled."""
        self._keep_scroll = self.table.verticalScrollBar().value()
        self.model.refresh()

    def selected_row(self) -> int | None:
        """The row acted on: the current one if selected, else the first selected."""
        selection = self.table.selectionModel()
        rows = sorted(index.row() for index in selection.selectedRows())
        current = self.table.currentIndex().row()
        return current if current in rows else (rows[0] if rows else None)

    def selected_member_ids(self) -> list[str]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [m for m in (self.model.member_id_at(r) for r in rows) if m is not None]

    def selected_member_id(self) -> str | None:
        row = self.selected_row()
        return None if row is None else self.model.member_id_at(row)

    def select_member(self, member_id: str) -> bool:
        row = self.model.row_of(member_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def register(self) -> None:
        from ui.members.form import MemberFormDialog  # written alongside; imported on use

        dialog = MemberFormDialog(self.session, prefill=self.filter.text(), parent=self)
        if not dialog.exec() or dialog.saved_member is None:
            return
        self._reselect = dialog.saved_member.id
        self.filter.blockSignals(True)  # one reload below, not one for the cleared filter too
        self.filter.clear()
        self.filter.blockSignals(False)
        self.model.refresh(filter_text="")
        if dialog.opened_existing is not None:  # a likely duplicate: they are already here
            self.show_notice(tr("members.existing_selected", name=dialog.saved_member.name))
        else:
            self.show_notice(tr("members.saved", name=dialog.saved_member.name))
            self.offer_card(dialog.saved_member.id, dialog.saved_member.name)

    def offer_card(self, member_id: str, name: str) -> None:
        """Straight after registering: print the card as the desk is set to."""
        mode = printouts.auto_print_wanted(self.session.desk.uow(), member_id)
        if mode == "always" or (mode == "ask" and self.ask_print_card(name)):
            self._print_cards([member_id], "")

    def ask_print_card(self, name: str) -> bool:
        answer = QMessageBox.question(
            self, tr("print.card"), tr("print.ask_after_register", name=name)
        )
        return answer == QMessageBox.StandardButton.Yes

    def report_card_lost(self) -> None:
        member_id = self.selected_member_id()
        if member_id is None:
            return
        answer = self.confirm_card_action(tr("cards.confirm_lost", name=self._selected_name()))
        if not answer:
            return
        ctx, uow, reason = self.session.ctx(), self.session.desk.uow, tr("cards.lost_reason")

        def done(serial: int) -> None:
            self.show_notice(tr("cards.lost_done", serial=serial))

        DbOp(self, lambda: cards.report_lost(member_id, reason, uow(), ctx)).publish(
            self.session.changes, CARDS
        ).success(done).run()

    def reissue_card(self) -> None:
        member_id = self.selected_member_id()
        if member_id is None:
            return
        if not self.confirm_card_action(tr("cards.confirm_reissue", name=self._selected_name())):
            return
        ctx, uow = self.session.ctx(), self.session.desk.uow

        def done(serial: int) -> None:
            self.show_notice(tr("cards.reissued", serial=serial))
            self._print_cards([member_id], "")

        DbOp(self, lambda: cards.reissue(member_id, uow(), ctx)).publish(
            self.session.changes, CARDS
        ).success(done).run()

    def confirm_card_action(self, question: str) -> bool:
        answer = QMessageBox.question(self, tr("cards.menu"), question)
        return answer == QMessageBox.StandardButton.Yes

    def edit_selected(self) -> None:
        member_id = self.selected_member_id()
        if member_id is None:
            return
        try:
            member = members.resolve_member(self.session.desk.uow(), member_id)
        except AppError as error:
            show_error(self, error)
            return
        from ui.members.form import MemberFormDialog

        dialog = MemberFormDialog(self.session, member=member, parent=self)
        if dialog.exec() and dialog.saved_member is not None:
            self.model.reload_member(member.id)
            self._update_buttons()
            self.show_notice(tr("members.saved", name=dialog.saved_member.name))

    def toggle_active(self) -> None:
        row = self.selected_row()
        current = None if row is None else self.model.member_at(row)
        if current is None or not self.session.can(Role.LEAD) or self._changing:
            return
        reason = self._ask_change(current.active)
        if reason is None:
            return
        member_id, active = current.id, not current.active
        ctx = self.session.ctx()
        uow = self.session.desk.uow
        op = DbOp(self, lambda: members.set_member_active(member_id, active, reason, uow(), ctx))
        op.publish(self.session.changes, Changes(members=True, outbox=True))
        op.success(self._activity_changed).failure(self._activity_failed)
        self._changing = True  # one change at a time
        self._update_buttons()
        op.run()

    def _ask_change(self, active: bool) -> str | None:
        """The reason to deactivate, "" to reactivate, None when the person backs out."""
        if active:
            return self.ask_reason()
        return "" if self.confirm_reactivate() else None

    # --- cards ------------------------------------------------------------------------------

    def ask_reprint_reason(self) -> str | None:
        text, ok = QInputDialog.getItem(
            self,
            tr("print.reprint_title"),
            tr("print.reprint_prompt", name=self._selected_name()),
            [tr("print.reason_damaged"), tr("print.reason_misprint"), tr("print.reason_faded")],
            0,
            True,
        )
        return text.strip() if ok and text.strip() else None

    def print_selected_card(self) -> None:
        """The selected members' cards in one job; reprints among them need one reason."""
        member_ids = self.selected_member_ids()
        if not member_ids:
            return
        uow, reason = self.session.desk.uow, ""
        if any(printouts.needs_reprint_reason(uow(), m) for m in member_ids):
            reason = self.ask_reprint_reason() or ""
            if not reason:
                return
        self._print_cards(member_ids, reason)

    def print_unprinted_cards(self) -> None:
        ids = cards.unprinted_member_ids(self.session.desk.uow(), limit=UNPRINTED_BATCH)
        if not ids:
            self.show_notice(tr("print.none_unprinted"))
            return
        self._print_cards(ids, "")

    def _print_cards(self, member_ids: list[str], reason: str) -> None:
        """Lay the cards out, preview them; record them as printed only once sent."""
        desk, ctx = self.session.desk, self.session.ctx()

        def ready(job: printouts.CardPrintJob) -> None:
            self.show_notice(tr("print.cards_ready", n=job.count))
            if not self.show_pdf(job.pdf, tr("print.cards_title", n=job.count)):
                self.show_notice(tr("print.not_sent"))
                return
            op = DbOp(self, lambda: printouts.record_printed(job, desk.uow(), ctx))
            op.publish(self.session.changes, CARDS)
            op.success(lambda recorded: self._printed(job, recorded)).run()

        # Issuing a first card writes, so it runs on the database worker.
        op = DbOp(self, lambda: printouts.cards_pdf(member_ids, desk.uow, ctx, desk.keys, reason))
        op.publish(self.session.changes, CARDS).success(ready).run()

    def _printed(self, job: printouts.CardPrintJob, recorded: int) -> None:
        self.show_notice(tr("print.cards_printed", n=recorded))
        if job.count > 1:
            spoiled = self.ask_spoiled(job)
            if spoiled:
                self._print_cards(spoiled, tr("print.reason_spoiled"))

    def ask_spoiled(self, job: printouts.CardPrintJob) -> list[str]:
        return ask_spoiled(job, self)

    # --- certificates -----------------------------------------------------------------------

    def issue_certificate(self) -> None:
        row = self.selected_row()
        current = None if row is None else self.model.member_at(row)
        if current is None:
            return
        dialog = CertificateDialog(self.session, current, self)
        dialog.show_pdf = self.show_pdf
        if dialog.exec() and dialog.issued is not None:
            self.show_notice(
                tr("certificate_dialog.issued", name=current.name, serial=dialog.issued.serial)
            )

    def ask_reason(self) -> str | None:
        """Why the selected member is deactivated; None when the person cancels."""
        dialog = ReasonDialog(self._selected_name(), self)
        return dialog.text() if dialog.exec() else None

    def confirm_reactivate(self) -> bool:
        answer = QMessageBox.question(
            self,
            tr("members.reactivate_title"),
            tr("members.reactivate_question", name=self._selected_name()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self._notice_timer.start()

    # --- reactions ------------------------------------------------------------------------

    def _activity_failed(self, error: Exception) -> None:
        self._changing = False
        self._update_buttons()
        show_error(self, error)

    def _activity_changed(self, member: Member) -> None:
        log.info("member %s active=%s", member.id, member.active)
        self._changing = False
        self.model.reload_member(member.id)
        self._update_buttons()
        code = "members.reactivated" if member.active else "members.deactivated"
        self.show_notice(tr(code, name=member.name))

    def _selected_name(self) -> str:
        row = self.selected_row()
        current = None if row is None else self.model.member_at(row)
        return current.name if current else ""

    def _remember_selection(self) -> None:
        if self._reselect is None:
            self._reselect = self.selected_member_id()

    def _on_loaded(self) -> None:
        if self._keep_scroll is not None:
            self.table.verticalScrollBar().setValue(self._keep_scroll)
            self._keep_scroll = None
        if self._reselect is not None:
            self.select_member(self._reselect)
            self._reselect = None
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        typed = self.model.filter_text.strip()
        if not typed:
            text = tr("members.count", n=total)
        elif shown == 0:
            text = tr("members.none_found", text=typed)
        elif self.model.truncated:
            text = tr("members.count_capped", n=shown)
        else:
            text = tr("members.count_found", n=shown, total=total)
        self.count_label.setText(text)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        current = None if row is None else self.model.member_at(row)
        self.edit_button.setEnabled(current is not None)
        self.certificate_button.setEnabled(current is not None)
        self.card_menu_button.setEnabled(current is not None and current.active)
        self.print_button.setEnabled(current is not None and current.active)
        active = current is None or current.active
        self.active_button.setText(tr("members.deactivate" if active else "members.reactivate"))
        self.active_button.setEnabled(
            current is not None and self.session.can(Role.LEAD) and not self._changing
        )

    def _keep_sortable_indicator(self, column: int, order: Qt.SortOrder) -> None:
        if COLUMNS[column].sort is not None:
            return
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        current = (
            Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder
        )
        header.setSortIndicator(self.model.sort_column(), current)
        header.blockSignals(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.filter
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            key = event.key()
            if key == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus()
                if self.selected_row() is None:
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)
