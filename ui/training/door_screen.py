"""The attendance desk at the door of a hall: scan a card or type a name, the person is
marked present (or late), a green band says "第 3/8 课时", the counters move.

Built from the check-in screen's pieces: the same search box (it tells a scanner burst from
typing), the same result band and sounds. States: SEARCH → (not on the roster) WALK_IN,
where Enter enrols the person as a walk-in and Esc refuses. Scans that arrive while a mark
is being written wait their turn, so a burst of 60 people loses nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.changes import Changes
from desktop.domain.errors import AppError, NotFound
from desktop.domain.model import Member
from desktop.domain.training import AttendanceStatus
from desktop.i18n import describe, tr
from desktop.services.training import attendance, courses, rosters
from desktop.services.training.attendance import DoorOutcome, DoorResult
from desktop.services.training.report import counters_line, door_message, local_time, status_word
from ui.changes import follow
from ui.checkin.band import ResultBand, Tone
from ui.desk.scan_desk import ScanDesk, name_column, number_column, phone_column
from ui.desk.scan_queue import ScanQueue
from ui.desk.search_box import key_time
from ui.printing import preview
from ui.session.state import DeskSession
from ui.sound import Sounds
from ui.tables import read_only_rows
from ui.tasks import DbOp

log = logging.getLogger(__name__)

STATUS_COLOURS = {
    AttendanceStatus.PRESENT: "#2e7d32",
    AttendanceStatus.LATE: "#ef6c00",
    AttendanceStatus.EXCUSED: "#1565c0",
    AttendanceStatus.ABSENT: "#c62828",
}


TRAINING = Changes(training=True, outbox=True)


class DoorScreen(QWidget):
    def __init__(self, session: DeskSession, sounds: Sounds | None = None) -> None:
        super().__init__()
        self.setObjectName("doorScreen")
        self.session = session
        self.sounds = sounds or Sounds(enabled=False)
        self.session_id: str | None = None
        self.waiting_walk_in: Member | None = None
        # (ref, member id, walk-in) of people scanned while a mark is written or a walk-in is
        # asked: they wait their turn (none is lost).
        self.scans: ScanQueue[tuple[str, str, bool]] = ScanQueue(
            self._mark_now, ready=lambda: self.waiting_walk_in is None
        )
        # Replaced in tests: how a finished PDF reaches the person.
        self.show_pdf: Callable[[bytes, str], bool] = lambda pdf, title: preview(self, pdf, title)
        self.ask_note: Callable[[str], str | None] = self._ask_note

        self.picker = QComboBox()
        self.picker.setObjectName("doorSession")
        self.picker.setMinimumHeight(36)
        self.picker.currentIndexChanged.connect(self._picked_session)
        self.counters = QLabel()
        self.counters.setObjectName("doorCounters")
        self.counters.setStyleSheet("font-size:18px; font-weight:bold; color:#263238;")

        self.desk = ScanDesk(
            session,
            name="door",
            placeholder=tr("door.placeholder"),
            columns=[name_column(), number_column(), phone_column()],
            on_scan=lambda text: self.mark(ref=text),
            on_pick=lambda member: self.mark(member_id=member.id),
            refuse=self._refuse,
        )
        self.search, self.results = self.desk.search, self.desk.results
        self.search.escaped.connect(self.reset)
        self.search.key_for_state.connect(self._state_key)
        self.results.setMaximumHeight(170)

        self.band = ResultBand(tr("door.idle"))

        self.sheet = QTableWidget(0, 4)
        self.sheet.setObjectName("doorSheet")
        self.sheet.setHorizontalHeaderLabels(
            [
                tr("checkin.col_name"),
                tr("checkin.col_number"),
                tr("door.col_status"),
                tr("door.col_time"),
            ]
        )
        read_only_rows(self.sheet)
        self.sheet.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sheet.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self.excuse_button = QPushButton(tr("door.excuse") + "  F4")
        self.excuse_button.setObjectName("doorExcuse")
        self.excuse_button.clicked.connect(self.excuse_selected)
        self.close_button = QPushButton(tr("door.close"))
        self.close_button.setObjectName("doorClose")
        self.close_button.clicked.connect(self.close_session)
        self.sheet_button = QPushButton(tr("door.print_sheet"))
        self.sheet_button.setObjectName("doorSheetPrint")
        self.sheet_button.clicked.connect(self.print_sheet)
        for button in (self.excuse_button, self.close_button, self.sheet_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(40)
        QShortcut(QKeySequence("F4"), self, self.excuse_selected)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("door.session")))
        top.addWidget(self.picker, 1)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.desk)
        left.addWidget(self.counters)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.sheet, 1)
        buttons = QHBoxLayout()
        for button in (self.excuse_button, self.sheet_button, self.close_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.band)  # full width, as at the check-in desk
        self.reload_sessions()
        follow(session.changes, self, lambda c: c.training, self._training_changed)

    # --- which session ----------------------------------------------------------------------

    def reload_sessions(self, select: str | None = None) -> None:
        self._fill_sessions(select)
        self._picked_session()

    def _training_changed(self) -> None:
        """Courses or marks changed elsewhere (the courses page, a sync): the sessions and
        the sheet follow; what is being typed or asked at the door stays."""
        before = self.session_id
        self._fill_sessions(select=before)  # kept open even if it is not today's
        if self.picker.currentData() != before:
            self._picked_session()
        else:
            self.refresh()

    def _fill_sessions(self, select: str | None = None) -> None:
        today = self.session.today().isoformat()
        found = courses.sessions_on(
            self.session.desk.uow(), today, station_id=self.session.ctx().station_id
        )
        if select and all(s.id != select for s in found):
            found.insert(0, courses.session(self.session.desk.uow(), select))
        keep = select or self.session_id
        self.picker.blockSignals(True)
        self.picker.clear()
        for s in found:
            label = f"{s.course_title} · {tr('door.session_no', n=s.number, of=s.of)} · "
            label += f"{s.on_date} {s.starts_at}-{s.ends_at}"
            self.picker.addItem(label, s.id)
        index = self.picker.findData(keep) if keep else 0
        self.picker.setCurrentIndex(max(index, 0))
        self.picker.blockSignals(False)

    def open_session(self, session_id: str) -> None:
        self.reload_sessions(select=session_id)
        self.focus_input()

    def _picked_session(self, _index: int = 0) -> None:
        data = self.picker.currentData()
        self.session_id = str(data) if data else None
        self.reset()
        self.refresh()

    def refresh(self) -> None:
        for button in (self.excuse_button, self.close_button, self.sheet_button):
            button.setEnabled(self.session_id is not None)
        if self.session_id is None:
            self.counters.setText(tr("door.no_session"))
            self.sheet.setRowCount(0)
            return
        uow = self.session.desk.uow()
        lines = attendance.session_sheet(uow, self.session_id)
        self.counters.setText(counters_line(attendance.counters(uow, self.session_id)))
        self.sheet.setRowCount(len(lines))
        for row, line in enumerate(lines):
            word = status_word(line.status, line.conflict) or tr("attendance.none")
            if line.walk_in:
                word += " " + tr("door.walk_in_flag")
            # An absence is marked when the session closes: that time says nothing.
            at = "" if line.status is AttendanceStatus.ABSENT else local_time(line.marked_at)
            cells = [line.name, line.member_number, word, at]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, line.member_id)
                if column == 2 and line.status is not None:
                    item.setForeground(QColor(STATUS_COLOURS[line.status]))
                self.sheet.setItem(row, column, item)

    # --- input ------------------------------------------------------------------------------

    def focus_input(self) -> None:
        self.desk.focus()

    @property
    def _hits(self) -> list[Member]:
        return self.desk.hits

    def update_results(self, text: str) -> None:
        self.desk.update_results(text)

    def submit(self, text: str, scanned: bool) -> None:
        self.desk.submit(text, scanned)

    def pick(self, row: int) -> None:
        self.desk.pick(row)

    def _state_key(self, event: QKeyEvent) -> None:
        """Keys while a walk-in is offered: Enter enrols and marks, Esc refuses."""
        key = event.key()
        member = self.waiting_walk_in
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and member is not None:
            self.waiting_walk_in = None
            self.search.capturing = False
            self.mark(member_id=member.id, walk_in=True)
        elif key == Qt.Key.Key_Escape:
            name = member.name if member else ""
            self.reset()
            self._refuse(tr("door.walk_in_refused", name=name), "")
            self.scans.next()  # the people scanned while it was asked
        elif char := event.text():
            # The next person's card (or name) while the question was open: that person
            # is served; the walk-in was not enrolled (only Enter does that).
            self.reset()
            self.band.clear()
            self.search.feed(char, key_time(event))

    # --- marking ----------------------------------------------------------------------------

    def mark(self, ref: str = "", member_id: str = "", walk_in: bool = False) -> None:
        if self.session_id is None:
            self._refuse(tr("door.no_session"), "")
            return
        # The walk-in just answered is the person at the desk: ahead of the queue.
        self.scans.offer((ref, member_id, walk_in), first=walk_in)

    def _mark_now(self, item: tuple[str, str, bool]) -> None:
        ref, member_id, walk_in = item
        if self.session_id is None:
            self._refuse(tr("door.no_session"), "")
            return
        self.scans.start()
        session_id, uow, ctx = self.session_id, self.session.desk.uow(), self.session.ctx()
        DbOp(
            self,
            lambda: attendance.mark_at_door(
                session_id, ref, uow, ctx, member_id=member_id, enrol_walk_in=walk_in
            ),
        ).publish(self.session.changes, _marked_changes).success(self._marked).failure(
            self._failed
        ).run()

    def _marked(self, result: DoorResult) -> None:
        self.scans.stop()
        try:
            self._show(result)
        finally:
            self.scans.next()

    def _show(self, result: DoorResult) -> None:
        text = door_message(result)
        if result.outcome is DoorOutcome.MARKED:
            tone = Tone.REPEAT if result.status is AttendanceStatus.LATE else Tone.OK
            self.band.show_result(tone, text, result.member.member_number)
            self.sounds.play("ok")
            self.reset()
            self.refresh()
        elif result.outcome is DoorOutcome.ALREADY:
            self.band.show_result(Tone.REPEAT, text, result.member.member_number)
            self.sounds.play("repeat")
            self.reset()
        elif result.outcome is DoorOutcome.NOT_ON_ROSTER:
            self.reset()
            self.waiting_walk_in = result.member
            self.search.capturing = True
            self.band.show_result(Tone.ASK, text, result.member.member_number, sticky=True)
            self.sounds.play("repeat")
        else:
            self._refuse(text, result.member.member_number)

    def _failed(self, error: Exception) -> None:
        self.scans.stop()
        try:
            if not isinstance(error, AppError):
                raise error
            if isinstance(error, NotFound) and error.code == "member.not_found":
                self._refuse(tr("checkin.unknown_code_title"), tr("checkin.unknown_code_detail"))
            else:
                self._refuse(tr("door.refused_title"), describe(error))
        finally:
            self.scans.next()

    def _refuse(self, title: str, detail: str) -> None:
        self.band.show_result(Tone.ERROR, title, detail)
        self.sounds.play("error")
        self.reset()

    def reset(self) -> None:
        self.waiting_walk_in = None
        self.search.capturing = False
        self.desk.clear()
        if self.band.tone is Tone.ASK:
            self.band.clear()
        self.focus_input()

    # --- by hand ----------------------------------------------------------------------------

    def selected_member(self) -> str | None:
        rows = self.sheet.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.sheet.item(rows[0].row(), 0)
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _ask_note(self, name: str) -> str | None:
        note, ok = QInputDialog.getText(self, tr("door.excuse"), tr("door.excuse_note", name=name))
        return note if ok else None

    def excuse_selected(self) -> None:
        member_id = self.selected_member()
        if member_id is None or self.session_id is None:
            self._refuse(tr("door.pick_someone"), "")
            return
        row = self.sheet.selectionModel().selectedRows()[0].row()
        item = self.sheet.item(row, 0)
        name = item.text() if item is not None else ""
        note = self.ask_note(name)
        if note is None:
            return
        session_id, uow, ctx = self.session_id, self.session.desk.uow(), self.session.ctx()

        def done(_mark_id: str) -> None:
            self.band.show_result(Tone.OK, tr("door.excused", name=name), note)
            self.refresh()

        DbOp(
            self,
            lambda: attendance.mark(
                session_id, member_id, AttendanceStatus.EXCUSED, uow, ctx, note=note
            ),
        ).publish(self.session.changes, TRAINING).success(done).run()

    def close_session(self, confirm: bool = True) -> None:
        if self.session_id is None:
            return
        waiting = attendance.counters(self.session.desk.uow(), self.session_id).not_arrived
        if confirm and not self.ask_close(waiting):
            self.focus_input()
            return
        session_id, uow, ctx = self.session_id, self.session.desk.uow(), self.session.ctx()

        def done(absent: int) -> None:
            self.band.show_result(Tone.OK, tr("cli.session_closed_done", absent=absent), "")
            self.refresh()

        DbOp(self, lambda: attendance.close_session(session_id, uow, ctx)).publish(
            self.session.changes, TRAINING
        ).success(done).run()

    def ask_close(self, waiting: int) -> bool:
        """Closing marks everyone not yet here absent: asked first, and No is the default."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("door.close"),
            tr("door.close_confirm", n=waiting),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(tr("door.close"))
        box.button(QMessageBox.StandardButton.No).setText(tr("door.keep_open"))
        return box.exec() == QMessageBox.StandardButton.Yes

    def print_sheet(self) -> None:
        if self.session_id is None:
            return
        from desktop.printing import compose, signin_sheet_pdf

        s = courses.session(self.session.desk.uow(), self.session_id)
        people = rosters.roster(self.session.desk.uow(), s.course_id)
        sheet = compose.signin_sheet(
            f"{s.course_title} 签到表",
            [_Person(e.member_name, e.member_number) for e in people],
            date.fromisoformat(s.on_date),
            subtitle=f"第 {s.number}/{s.of} 课时  {s.starts_at}-{s.ends_at}",
        )
        self.show_pdf(signin_sheet_pdf(sheet), tr("door.print_sheet"))


class _Person:
    def __init__(self, name: str, member_number: str) -> None:
        self.name, self.member_number = name, member_number


def _marked_changes(result: DoorResult) -> Changes:
    """Only a mark writes; "already here" and "not on the roster" record nothing."""
    return TRAINING if result.outcome is DoorOutcome.MARKED else Changes()
