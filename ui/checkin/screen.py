"""The home screen: find the person in a second, record the visit, ready for the next one.

States: SEARCH (typing or scanning) -> CONFIRM (a member picked; number keys toggle
services, Enter records, Esc goes back) -> result band; REPEAT waits for Enter to record
a second visit anyway. A scanner burst that names one member records at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.changes import Changes
from desktop.domain.errors import AppError, NotFound, RuleViolation
from desktop.domain.model import Member, Visit
from desktop.i18n import describe, join, tr
from desktop.services.cards import printouts
from desktop.services.desk.settings import DeskSettings, read_settings
from desktop.services.visits import checkin
from desktop.services.visits import queries as visit_queries
from ui.changes import follow
from ui.checkin.band import ResultBand, Tone
from ui.checkin.services_panel import ServicesPanel
from ui.checkin.today_panel import TodayPanel
from ui.desk.scan_desk import (
    Column,
    ScanDesk,
    name_column,
    number_column,
    occupation_column,
    phone_column,
)
from ui.desk.scan_queue import ScanQueue
from ui.desk.search_box import BURST_MAX_GAP_S, key_time
from ui.printing import preview
from ui.session.state import DeskSession
from ui.sound import Sounds
from ui.tasks import DbOp

log = logging.getLogger(__name__)

VISITS = Changes(visits=True, outbox=True)
CARD_PRINTED = Changes(cards=True, outbox=True)  # each card's print event
# A check-in comes back in a few milliseconds; one that waits for the database longer than
# this (another connection holds the write lock) shows "saving" until it is recorded.
SAVING_AFTER_MS = 150


class State(Enum):
    SEARCH = "search"
    CONFIRM = "confirm"
    REPEAT = "repeat"


class CheckInScreen(QWidget):
    def __init__(self, session: DeskSession, sounds: Sounds | None = None) -> None:
        super().__init__()
        self.setObjectName("checkinScreen")
        self.session = session
        self.sounds = sounds or Sounds(enabled=False)
        self.state = State.SEARCH
        self.picked: Member | None = None
        # Replaced in tests: how a finished PDF reaches the person.
        self.show_pdf: Callable[[bytes, str], bool] = lambda pdf, title: preview(self, pdf, title)
        # A check-in being written: a second Enter must not double it, and cards scanned
        # meanwhile wait their turn (none is lost).
        self.scans: ScanQueue[str] = ScanQueue(self._check_in_now)
        self._saving_for: Member | None = None
        self._saving_later = QTimer(self)
        self._saving_later.setSingleShot(True)
        self._saving_later.setInterval(SAVING_AFTER_MS)
        self._saving_later.timeout.connect(self._show_saving)
        # While a member is picked, a number key toggles a service, unless more keys follow
        # at scanner speed: then it was the first character of the next card.
        self._held: list[tuple[str, float]] = []
        settings = read_settings(session.desk.uow())
        offered, defaults = settings.offered_services, settings.default_services
        self.occupations = settings.occupations

        state = Column(
            tr("checkin.col_state"),
            lambda m: tr("checkin.state_active") if m.active else tr("checkin.state_inactive"),
        )
        self.desk = ScanDesk(
            session,
            name="checkin",
            placeholder=tr("checkin.placeholder"),
            columns=[name_column(), number_column(), phone_column(), occupation_column(), state],
            on_scan=self.check_in_scanned,
            on_pick=self.pick_member,
            refuse=self._refuse,
        )
        self.search, self.results = self.desk.search, self.desk.results
        self.search.escaped.connect(self.reset)
        self.search.key_for_state.connect(self._state_key)
        self.search.take_key = self._service_key_on_row
        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.setInterval(int(BURST_MAX_GAP_S * 1000) + 10)
        self._hold_timer.timeout.connect(self._release_held)

        self.register_button = QPushButton(tr("checkin.register") + "  F2")
        self.register_button.setObjectName("registerWalkIn")
        self.register_button.clicked.connect(self.register_walk_in)
        self.anonymous_button = QPushButton(tr("checkin.anonymous") + "  F3")
        self.anonymous_button.setObjectName("anonymousVisit")
        self.anonymous_button.clicked.connect(self.count_anonymous)
        for button in (self.register_button, self.anonymous_button):
            button.setMinimumHeight(48)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.services = self._services_panel(offered, defaults)
        self.services_hint = QLabel(tr("checkin.services_hint"))
        self.services_hint.setStyleSheet("color:#546e7a;")

        self.band = ResultBand(tr("checkin.idle"))
        self.today = TodayPanel()
        self.today.void_requested.connect(self.void_visit)
        ask_reason = self.today.ask_void_reason

        def ask_then_back_to_input(visit: Visit) -> str | None:
            try:
                return ask_reason(visit)
            finally:
                self.focus_input()

        self.today.ask_void_reason = ask_then_back_to_input

        self.desk.top.addWidget(self.register_button)
        self.desk.top.addWidget(self.anonymous_button)

        left = self._left = QVBoxLayout()
        left.addWidget(self.desk, 1)
        left.addWidget(self.services_hint)
        left.addWidget(self.services)

        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.today, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.band)

        QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.register_walk_in)
        QShortcut(QKeySequence(Qt.Key.Key_F3), self, self.count_anonymous)
        self.refresh_today()
        follow(session.changes, self, lambda c: c.visits, self.refresh_today)
        follow(
            session.changes,
            self,
            lambda c: c.settings,
            lambda: self.apply_settings(read_settings(session.desk.uow())),
        )

    @staticmethod
    def _services_panel(offered: tuple[str, ...], defaults: tuple[str, ...]) -> ServicesPanel:
        panel = ServicesPanel(offered, defaults)
        for button in panel.buttons.values():
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return panel

    def apply_settings(self, settings: DeskSettings) -> None:
        """Saved settings take effect at once: the services offered and preselected."""
        panel = self._services_panel(settings.offered_services, settings.default_services)
        self._left.replaceWidget(self.services, panel)
        self.services.deleteLater()
        self.services = panel
        self.occupations = settings.occupations

    # --- search ---------------------------------------------------------------------------

    def focus_input(self) -> None:
        self.desk.focus()

    @property
    def _hits(self) -> list[Member]:
        return self.desk.hits

    def update_results(self, text: str) -> None:
        self.desk.update_results(text)

    def submit(self, text: str, scanned: bool) -> None:
        self.desk.submit(text, scanned)

    def _service_key_on_row(self, event: QKeyEvent, at: float) -> bool:
        """A service's number key typed after a name, with a row highlighted: that person is
        picked and the key toggles their service ("张" then 3), rather than searching "张3".
        Not in a phone tail or a member number being typed, nor at scanner speed."""
        char, row = event.text(), self.desk.highlighted()
        text = self.search.text().strip().upper()
        if (
            row is None
            or not self.services.binds(char)
            or any(c.isdigit() for c in text)
            or any(m.member_number.upper().startswith(text) for m in self.desk.hits)
            or self.search.follows_fast(at)
        ):
            return False
        self.pick(row)
        if self.state is State.CONFIRM:
            self._held.append((char, at))
            self._hold_timer.start()
        return True

    # --- the flow -------------------------------------------------------------------------

    def pick(self, row: int) -> None:
        self.desk.pick(row)

    def pick_member(self, member: Member) -> None:
        if not member.active:
            self._refuse(
                tr("checkin.inactive_title", name=member.name),
                member.deactivated_reason or "",
            )
            return
        self.picked = member
        self.state = State.CONFIRM
        self.search.capturing = True
        self.services.reset()
        self.band.show_result(
            Tone.ASK,
            tr("checkin.confirm_title", name=member.name),
            tr("checkin.confirm_detail"),
            sticky=True,
        )

    def _state_key(self, event: QKeyEvent) -> None:
        """Keys while a member is picked (CONFIRM) or a repeat is shown (REPEAT)."""
        key, now = event.key(), key_time(event)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._release_held()
            if self.picked is None:
                self.reset()
            elif self.state is State.CONFIRM:
                self.record(self.picked, confirm_repeat=False)
            elif self.state is State.REPEAT:
                self.record(self.picked, confirm_repeat=True)
        elif key == Qt.Key.Key_Escape:
            self._held.clear()
            self.reset()
            self.band.clear()
        elif char := event.text():
            burst = bool(self._held) and now - self._held[-1][1] < BURST_MAX_GAP_S
            if self.state is State.REPEAT or burst or not self.services.binds(char):
                # The next person: a card being scanned, or a name or phone being typed.
                self._start_new_input([*self._held, (char, now)])
                return
            self._held.append((char, now))
            self._hold_timer.start()

    def _release_held(self) -> None:
        self._hold_timer.stop()
        held, self._held = self._held, []
        for char, _stamp in held:
            self.services.toggle_key(char)

    def _start_new_input(self, keys: list[tuple[str, float]]) -> None:
        self._hold_timer.stop()
        self._held = []
        self.reset()
        for char, stamp in keys:
            self.search.feed(char, stamp)

    def check_in_scanned(self, text: str) -> None:
        if self.scans.busy:  # the previous card is still being written: this one is next
            self.search.clear()
        self.scans.offer(text)
        if self.band.tone is Tone.WAIT:
            self._show_saving()  # with the count of scans waiting

    def _check_in_now(self, text: str) -> None:
        """A scanned text: who it names and the visit, resolved and recorded together on the
        database worker (a card of a member synced here later needs a write of its own)."""
        self.services.reset()
        self._write(checkin.CheckIn(member_ref=text, services=self.services.selected()), None)

    def record(self, member: Member, confirm_repeat: bool) -> None:
        command = checkin.CheckIn(
            member_id=member.id, services=self.services.selected(), confirm_repeat=confirm_repeat
        )
        self._write(command, member)

    def _write(self, command: checkin.CheckIn, member: Member | None) -> None:
        """Record on the database worker; the GUI thread never waits for SQLite's write lock
        (a sync applying a pulled page holds it). If the write is slow to come back, the band
        says it is being saved; scans made meanwhile wait their turn in ``scans``."""
        if self.scans.busy:
            return
        self.scans.start()
        self._saving_for = member
        self._saving_later.start()
        uow, ctx = self.session.desk.uow(), self.session.ctx()
        DbOp(self, lambda: checkin.check_in(command, uow, ctx)).urgent().publish(
            self.session.changes, _recorded_changes
        ).success(self._recorded).failure(self._failed).run()

    def _show_saving(self) -> None:
        """The write has not come back yet: say so (a scan is never silently pending)."""
        if not self.scans.busy:
            return
        member = self._saving_for
        title = tr("checkin.saving", name=member.name) if member else tr("checkin.saving_scan")
        detail = tr("checkin.saving_detail")
        if self.scans.waiting:
            detail += "\n" + tr("checkin.saving_queued", n=self.scans.waiting)
        self.band.show_result(Tone.WAIT, title, detail, sticky=True)

    def _recorded(self, result: checkin.CheckInResult) -> None:
        self._saving_later.stop()
        self.scans.stop()
        try:
            self._show_recorded(result)
        finally:
            self.scans.next()  # then the cards scanned meanwhile

    def _show_recorded(self, result: checkin.CheckInResult) -> None:
        member = result.member
        if result.status is checkin.CheckInStatus.REPEAT:
            self.state = State.REPEAT
            self.picked = member
            self.search.capturing = True
            minutes = result.minutes_since_last or 0
            title = (
                tr("checkin.repeat_just_now", name=member.name)
                if minutes == 0
                else tr("checkin.repeat", name=member.name, minutes=minutes)
            )
            self.band.show_result(Tone.REPEAT, title, tr("checkin.repeat_detail"), sticky=True)
            self.sounds.play("repeat")
            return
        services = join(tr("service." + s) for s in result.services) or "-"
        detail = " · ".join(
            part for part in (member.occupation, services, member.member_number) if part
        )
        self.band.show_result(
            Tone.OK, tr("checkin.recorded", name=member.name, n=result.visit_number), detail
        )
        self.band.repaint()  # the result first; the today panel's refresh after it
        self.sounds.play("ok")
        self._ready_for_next(member)
        self.refresh_today()

    def _ready_for_next(self, written: Member) -> None:
        """Back to SEARCH for the next person, unless the attendant moved on while the
        write was saving: a name being typed, or another member picked, stays as it is."""
        typing = self.state is State.SEARCH and bool(self.search.text())
        other = self.state is State.CONFIRM and self.picked is not None
        if typing or (other and self.picked is not None and self.picked.id != written.id):
            return
        self.reset()

    def _failed(self, error: Exception) -> None:
        self._saving_later.stop()
        self.scans.stop()
        try:
            self._show_failure(error)
        finally:
            self.scans.next()

    def _show_failure(self, error: Exception) -> None:
        if not isinstance(error, AppError):
            raise error
        if isinstance(error, RuleViolation) and error.code == "member.deactivated":
            name = str(error.params.get("name", ""))
            self._refuse(
                tr("checkin.inactive_title", name=name), str(error.params.get("reason", ""))
            )
        elif isinstance(error, NotFound) and error.code == "member.not_found":
            self._refuse(tr("checkin.unknown_code_title"), tr("checkin.unknown_code_detail"))
        else:
            self._refuse(tr("checkin.refused_title"), describe(error))

    def _refuse(self, title: str, detail: str) -> None:
        self.band.show_result(Tone.ERROR, title, detail)
        self.sounds.play("error")
        self.reset()

    def reset(self) -> None:
        """Back to SEARCH, ready for the next person; a result band stays, a question goes."""
        self.state = State.SEARCH
        self.picked = None
        self.search.capturing = False
        self.desk.clear()
        self.services.reset()
        if self.band.tone in (Tone.ASK, Tone.REPEAT):
            self.band.clear()
        self.focus_input()

    # --- walk-ins, anonymous counts, undo --------------------------------------------------

    def register_walk_in(self) -> None:
        from ui.members.form import MemberFormDialog

        typed = self.search.text()
        self.reset()
        dialog = MemberFormDialog(
            self.session,
            prefill=typed,
            parent=self,
            accept_label=tr("checkin.register_and_check_in"),
        )
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_member is not None:
            self.picked = dialog.saved_member
            self.record(dialog.saved_member, confirm_repeat=False)
            if dialog.opened_existing is None:
                self.offer_card(dialog.saved_member)
        self.focus_input()

    def offer_card(self, member: Member) -> None:
        """Print a new member's card as the desk is set to: never, ask, or always."""
        desk, ctx = self.session.desk, self.session.ctx()
        mode = printouts.auto_print_wanted(desk.uow(), member.id)
        if mode == "never" or (mode == "ask" and not self.ask_print_card(member)):
            return

        def ready(job: printouts.CardPrintJob) -> None:
            if self.show_pdf(job.pdf, tr("print.cards_title", n=job.count)):
                record = DbOp(self, lambda: printouts.record_printed(job, desk.uow(), ctx))
                record.publish(self.session.changes, CARD_PRINTED).run()

        DbOp(self, lambda: printouts.cards_pdf([member.id], desk.uow, ctx, desk.keys)).success(
            ready
        ).run()

    def ask_print_card(self, member: Member) -> bool:
        answer = QMessageBox.question(
            self, tr("print.card"), tr("print.ask_after_register", name=member.name)
        )
        return answer == QMessageBox.StandardButton.Yes

    def count_anonymous(self) -> None:
        occupation = self.ask_anonymous_occupation()
        if occupation is None:
            return
        services = self.services.selected()
        uow, ctx = self.session.desk.uow(), self.session.ctx()

        def done(_visit_id: str) -> None:
            self.band.show_result(
                Tone.OK, tr("checkin.anonymous_recorded"), occupation or tr("checkin.no_occupation")
            )
            self.sounds.play("ok")
            self.refresh_today()

        DbOp(self, lambda: checkin.check_in_anonymous(occupation, services, uow, ctx)).publish(
            self.session.changes, VISITS
        ).success(done).run()
        self.focus_input()

    def ask_anonymous_occupation(self) -> str | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(tr("checkin.anonymous"))
        combo = QComboBox()
        combo.addItems(list(self.occupations))
        form = QFormLayout(dialog)
        form.addRow(QLabel(tr("checkin.anonymous_explain")))
        form.addRow(tr("checkin.col_occupation"), combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return combo.currentText()

    def void_visit(self, visit_id: str, reason: str) -> None:
        uow, ctx = self.session.desk.uow(), self.session.ctx()

        def done(_void_id: str) -> None:
            self.band.show_result(Tone.IDLE, tr("checkin.voided"))
            self.refresh_today()
            self.focus_input()

        DbOp(self, lambda: checkin.void_visit(visit_id, reason, uow, ctx)).publish(
            self.session.changes, VISITS
        ).success(done).run()

    def refresh_today(self) -> None:
        uow = self.session.desk.uow
        self.today.show_summary(
            visit_queries.today_summary(uow()), visit_queries.recent_visits(uow(), limit=30)
        )


def _recorded_changes(result: checkin.CheckInResult) -> Changes:
    """A repeat asks first and records nothing."""
    return Changes() if result.status is checkin.CheckInStatus.REPEAT else VISITS
