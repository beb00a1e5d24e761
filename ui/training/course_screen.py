"""Courses: the list, and for the chosen course its sessions, roster, attendance grid
(editable, every change a new mark) and completion with certificates and reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.changes import Changes
from desktop.domain.clock import shown
from desktop.domain.errors import AppError
from desktop.domain.training import AttendanceStatus
from desktop.i18n import describe, tr
from desktop.services.certificates.commands import known_address
from desktop.services.desk import operators
from desktop.services.training import attendance, completion, courses, rosters
from desktop.services.training import report as course_report
from ui.changes import follow
from ui.desk.scan_desk import (
    ScanDesk,
    name_column,
    number_column,
    occupation_column,
    phone_column,
)
from ui.errors import show_error
from ui.files import desk_qdate, in_documents
from ui.printing import preview
from ui.session.state import DeskSession
from ui.tables import read_only_rows
from ui.tasks import DbOp, PoolOp
from ui.training.course_dialog import CourseDialog
from ui.training.door_screen import STATUS_COLOURS

TRAINING = Changes(training=True, outbox=True)
CERTIFIED = Changes(training=True, cards=True, outbox=True)  # certificates too


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    read_only_rows(table)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], keys: list[str] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)


def _span(start: str | None, end: str | None) -> str:
    """A course's dates, without the year when it is this year's (12-01 – 12-06)."""
    year = f"{date.today().year}-"

    def short(day: str | None) -> str:
        return (day or "")[len(year) :] if (day or "").startswith(year) else day or ""

    return f"{short(start)} – {short(end)}"


def _selected_key(table: QTableWidget) -> str | None:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))


class CourseScreen(QWidget):
    open_door = Signal(str)  # a session id: show it at the door

    def __init__(self, session: DeskSession) -> None:
        super().__init__()
        self.setObjectName("courseScreen")
        self.session = session
        self.course_id: str | None = None
        self._courses: list[courses.Course] = []
        self.grid_data: attendance.Grid | None = None
        self.cell_trail: list[str] = []
        # Replaced in tests: where finished files go.
        self.show_pdf: Callable[[bytes, str], bool] = lambda pdf, title: preview(self, pdf, title)
        self.ask_path: Callable[[str, str, bool], str | None] = self._ask_path
        self.ask_mark: Callable[[str, str], tuple[AttendanceStatus, str] | None] = self._ask_mark

        self.list = _table([tr("course.title"), tr("course.dates"), tr("course.people")])
        self.list.setObjectName("courseList")
        self.list.itemSelectionChanged.connect(self._picked)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.list.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        new = QPushButton(tr("course.new"))
        new.clicked.connect(lambda: self.new_course(micro=False))
        micro = QPushButton(tr("course.new_micro"))
        micro.setObjectName("newMicroClass")
        micro.clicked.connect(lambda: self.new_course(micro=True))
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(new)
        row.addWidget(micro)
        left.addLayout(row)

        self.heading = QLabel()
        self.heading.setObjectName("courseHeading")
        self.heading.setStyleSheet("font-size:18px; font-weight:bold;")
        self.heading.setWordWrap(True)
        self.pages = QTabWidget()
        self.pages.addTab(self._sessions_page(), tr("course.tab_sessions"))
        self.pages.addTab(self._roster_page(), tr("course.tab_roster"))
        self.pages.addTab(self._grid_page(), tr("course.tab_grid"))
        self.pages.addTab(self._completion_page(), tr("course.tab_completion"))
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.pages, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)
        self.refresh()
        # Marks at the door, courses and attendance pulled by sync.
        follow(session.changes, self, lambda c: c.training, self.refresh)

    # --- pages ----------------------------------------------------------------------------

    def _sessions_page(self) -> QWidget:
        page = QWidget()
        self.sessions = _table(
            [
                tr("course.col_no"),
                tr("course.date"),
                tr("course.time"),
                tr("report.hours"),
                tr("course.topic"),
                tr("door.col_status"),
            ]
        )
        self.sessions.setObjectName("courseSessions")
        self.sessions.cellDoubleClicked.connect(lambda *_: self.door_for_selected())
        add = QPushButton(tr("course.add_session"))
        add.clicked.connect(self.add_session)
        move = QPushButton(tr("course.move_session"))
        move.clicked.connect(self.move_session)
        cancel = QPushButton(tr("course.cancel_session"))
        cancel.clicked.connect(self.cancel_session)
        # HQ's course: its sessions are HQ's to change (the service refuses it too).
        self._hq_only = (add, move, cancel)
        door = QPushButton(tr("course.open_door"))
        door.setObjectName("openDoor")
        door.clicked.connect(self.door_for_selected)
        layout = QVBoxLayout(page)
        layout.addWidget(self.sessions, 1)
        row = QHBoxLayout()
        for button in (add, move, cancel, door):
            row.addWidget(button)
        layout.addLayout(row)
        return page

    def _roster_page(self) -> QWidget:
        page = QWidget()
        # The check-in desk's search and live result list: scan a card, or type and pick.
        self.enrol_desk = ScanDesk(
            self.session,
            name="enrol",
            placeholder=tr("course.enrol_placeholder"),
            columns=[name_column(), number_column(), phone_column(), occupation_column()],
            on_scan=lambda text: self.enrol_person(ref=text),
            on_pick=lambda member: self.enrol_person(member_id=member.id),
            refuse=lambda title, detail: self._enrol_refused(f"{title} {detail}"),
        )
        self.enrol_desk.results.setMaximumHeight(160)
        self.enrol_box = self.enrol_desk.search
        self.enrol_box.escaped.connect(self.enrol_desk.clear)
        self.roster = _table(
            [
                tr("report.name"),
                tr("report.member_number"),
                tr("report.enrolment"),
                tr("report.walk_in"),
            ]
        )
        self.roster.setObjectName("courseRoster")
        self.roster_note = QLabel()
        self.roster_note.setWordWrap(True)
        imp = QPushButton(tr("course.import"))
        imp.clicked.connect(self.import_roster)
        out = QPushButton(tr("course.withdraw"))
        out.clicked.connect(self.withdraw)
        layout = QVBoxLayout(page)
        layout.addWidget(self.enrol_desk)
        layout.addWidget(self.roster_note)
        layout.addWidget(self.roster, 1)
        row = QHBoxLayout()
        row.addWidget(imp)
        row.addWidget(out)
        layout.addLayout(row)
        return page

    def _grid_page(self) -> QWidget:
        page = QWidget()
        self.grid = QTableWidget()
        self.grid.setObjectName("attendanceGrid")
        read_only_rows(self.grid)
        self.grid.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectItems)
        self.grid.cellDoubleClicked.connect(self.edit_cell)
        hint = QLabel(tr("course.grid_hint"))
        hint.setStyleSheet("color:#546e7a;")
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addWidget(self.grid, 1)
        return page

    def _completion_page(self) -> QWidget:
        page = QWidget()
        self.completion = _table(
            [
                tr("report.name"),
                tr("report.member_number"),
                tr("report.attended"),
                tr("report.hours"),
                tr("report.completed"),
                tr("report.missing"),
                tr("report.serial"),
            ]
        )
        self.completion.setObjectName("courseCompletion")
        certify = QPushButton(tr("course.certify"))
        certify.setObjectName("certifyCourse")
        certify.clicked.connect(self.certify)
        reissue = QPushButton(tr("course.reissue"))
        reissue.clicked.connect(self.reissue)
        xlsx = QPushButton(tr("course.export_xlsx"))
        xlsx.clicked.connect(lambda: self.export("xlsx"))
        pdf = QPushButton(tr("course.print_report"))
        pdf.clicked.connect(lambda: self.export("pdf"))
        # Said before anything is printed (refreshed with the screen): with no public address
        # known, certificates' QR codes are ones only stations check.
        self.no_address = QLabel(tr("certificate.no_verify_url"))
        self.no_address.setObjectName("courseNoAddress")
        self.no_address.setWordWrap(True)
        self.no_address.setStyleSheet(
            "QLabel#courseNoAddress { background:#fff8c5; color:#7a5200;"
            " border:1px solid #d4a72c; border-radius:4px; padding:6px; }"
        )
        self.no_address.hide()
        layout = QVBoxLayout(page)
        layout.addWidget(self.completion, 1)
        layout.addWidget(self.no_address)
        row = QHBoxLayout()
        for button in (certify, reissue, xlsx, pdf):
            row.addWidget(button)
        layout.addLayout(row)
        return page

    # --- showing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        uow = self.session.desk.uow()
        self._courses = courses.courses(uow, station_id=self.session.ctx().station_id)
        self.no_address.setVisible(not known_address(self.session.desk.uow()))
        _fill(
            self.list,
            [
                [
                    f"{c.title}（{tr('training.central')}）" if c.central else c.title,
                    _span(c.starts_on, c.ends_on),
                    f"{c.sessions} / {c.enrolled}",
                ]
                for c in self._courses
            ],
            [c.id for c in self._courses],
        )
        # The list is narrow: the title gets the room, the whole line is in the tooltip.
        for row, c in enumerate(self._courses):
            tip = f"{c.title}\n{c.starts_on or ''} – {c.ends_on or ''}\n"
            tip += tr("cli.course_counts", sessions=c.sessions, enrolled=c.enrolled)
            for column in range(3):
                cell = self.list.item(row, column)
                if cell is not None:
                    cell.setToolTip(tip)
        if self.course_id is None and self._courses:
            self.course_id = self._courses[0].id
        for row, c in enumerate(self._courses):
            if c.id == self.course_id:
                self.list.blockSignals(True)
                self.list.selectRow(row)
                self.list.blockSignals(False)
        self.show_course()

    def _picked(self) -> None:
        picked = _selected_key(self.list)
        if picked and picked != self.course_id:
            self.course_id = picked
            self.show_course()

    def show_course(self) -> None:
        if self.course_id is None:
            self.heading.setText(tr("course.none"))
            return
        uow = self.session.desk.uow()
        c = courses.course(uow, self.course_id)
        rule = (
            tr("course.rule_share_text", share=f"{c.rule.minimum * 100:.0f}")
            if c.rule.kind.value == "share"
            else tr("course.rule_hours_text", hours=f"{c.rule.minimum:f}")
        )
        parts = [c.title, c.teacher, c.venue, tr("report.total_hours", hours=f"{c.hours:f}"), rule]
        if c.central:
            parts.insert(1, tr("training.central"))
        self.heading.setText(" · ".join(p for p in parts if p))
        for button in self._hq_only:
            button.setEnabled(not c.central)
            button.setToolTip(tr("training.course_central", title=c.title) if c.central else "")
        held = courses.sessions(uow, c.id, include_cancelled=True)
        _fill(
            self.sessions,
            [
                [
                    str(s.number or "-"),
                    s.on_date,
                    f"{s.starts_at}-{s.ends_at}",
                    f"{s.hours:f}",
                    s.topic,
                    tr("cli.session_cancelled")
                    if s.cancelled
                    else (tr("cli.session_closed") if s.closed else ""),
                ]
                for s in held
            ],
            [s.id for s in held],
        )
        people = rosters.roster(uow, c.id, ("enrolled", "waitlisted"))
        _fill(
            self.roster,
            [
                [
                    e.member_name,
                    e.member_number,
                    tr("enrolment." + e.status),
                    tr("report.yes") if e.walk_in else "",
                ]
                for e in people
            ],
            [e.member_id for e in people],
        )
        self._show_grid(attendance.course_grid(uow, c.id))
        done = completion.course_completion(uow, c.id)
        _fill(
            self.completion,
            [
                [
                    p.name,
                    p.member_number,
                    f"{p.result.attended:f}/{p.result.held}",
                    f"{p.result.hours:f}",
                    tr("report.yes") if p.result.completed else tr("report.no"),
                    course_report.missing_text(p.result),
                    p.certificate or "",
                ]
                for p in done
            ],
            [p.certificate or "" for p in done],
        )

    def _show_grid(self, grid: attendance.Grid) -> None:
        self.grid_data = grid
        self.grid.clear()
        self.grid.setColumnCount(1 + len(grid.sessions))
        self.grid.setHorizontalHeaderLabels(
            [tr("report.name")] + [f"{s.number}\n{s.on_date[5:]}" for s in grid.sessions]
        )
        self.grid.setRowCount(len(grid.rows))
        for r, row in enumerate(grid.rows):
            self.grid.setItem(r, 0, QTableWidgetItem(row.name))
            for c, cell in enumerate(row.cells, start=1):
                item = QTableWidgetItem(course_report.status_word(cell.status, cell.conflict))
                if cell.status is not None:
                    item.setForeground(QColor(STATUS_COLOURS[cell.status]))
                if cell.conflict:
                    item.setBackground(QColor("#fff3e0"))
                self.grid.setItem(r, c, item)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    # --- actions ----------------------------------------------------------------------------

    def new_course(self, micro: bool) -> None:
        dialog = CourseDialog(self.session, micro=micro, parent=self)
        if dialog.exec() and dialog.made is not None:
            self.course_id = dialog.made.id
            self.refresh()

    def _run(
        self,
        work: Callable[[], object],
        then: Callable[[object], None],
        changes: Changes = TRAINING,
    ) -> None:
        def done(result: object) -> None:
            then(result)
            self.refresh()

        DbOp(self, work).publish(self.session.changes, changes).success(done).failure(
            lambda error: show_error(self, error)
        ).run()

    def add_session(self) -> None:
        if self.course_id is None:
            return
        dialog = SessionDialog(self)
        if not dialog.exec():
            return
        course_id, uow, ctx = self.course_id, self.session.desk.uow(), self.session.ctx()
        form = dialog.form()
        self._run(lambda: courses.add_session(course_id, form, uow, ctx), lambda _r: None)

    def move_session(self) -> None:
        session_id = _selected_key(self.sessions)
        if session_id is None:
            return
        current = courses.session(self.session.desk.uow(), session_id)
        dialog = SessionDialog(self, current)
        if not dialog.exec():
            return
        uow, ctx, form = self.session.desk.uow(), self.session.ctx(), dialog.form()
        self._run(lambda: courses.move_session(session_id, form, uow, ctx), lambda _r: None)

    def cancel_session(self) -> None:
        session_id = _selected_key(self.sessions)
        if session_id is None:
            return
        uow, ctx = self.session.desk.uow(), self.session.ctx()
        self._run(lambda: courses.cancel_session(session_id, uow, ctx), lambda _r: None)

    def door_for_selected(self) -> None:
        session_id = _selected_key(self.sessions)
        if session_id is not None:
            self.open_door.emit(session_id)

    def enrol(self, text: str, scanned: bool) -> None:
        """Enter in the enrolment field: a scanned card, or the highlighted person."""
        self.enrol_desk.submit(text, scanned)

    def enrol_person(self, ref: str = "", member_id: str = "") -> None:
        if self.course_id is None:
            return
        course_id, uow, ctx = self.course_id, self.session.desk.uow(), self.session.ctx()
        # Cleared before the write: a refused entry never prefixes the next scan.
        self.enrol_desk.clear()

        def said(result: object) -> None:
            assert isinstance(result, rosters.EnrolResult)
            word = tr("enrolment." + result.outcome)
            self.roster_note.setText(f"{result.member.name}  {word}")
            self.refresh()
            self.enrol_desk.focus()

        def refused(error: Exception) -> None:
            if not isinstance(error, AppError):
                raise error
            self._enrol_refused(describe(error))

        DbOp(self, lambda: rosters.enrol(course_id, ref, uow, ctx, member_id=member_id)).publish(
            self.session.changes, TRAINING
        ).success(said).failure(refused).run()

    def _enrol_refused(self, text: str) -> None:
        self.roster_note.setText(f"<span style='color:#c62828'>{text}</span>")
        self.enrol_desk.clear()
        self.enrol_desk.focus()

    def import_roster(self) -> None:
        if self.course_id is None:
            return
        path = self.ask_path(tr("course.import"), "Excel (*.xlsx)", False)
        if not path:
            return
        course_id, uow, ctx = self.course_id, self.session.desk.uow(), self.session.ctx()

        def said(result: object) -> None:
            assert isinstance(result, rosters.ImportReport)
            lines = [
                tr(
                    "cli.import_line",
                    row=line.row,
                    ref=line.ref,
                    result=tr(line.reason_code, **dict(line.reason_params))
                    if line.reason_code
                    else tr("enrolment." + line.outcome),
                )
                for line in result.lines
                if line.outcome == "refused"
            ]
            summary = {k: result.count(k) for k in ("enrolled", "waitlisted", "already", "refused")}
            self.roster_note.setText("\n".join([tr("cli.import_summary", **summary), *lines[:8]]))

        self._run(lambda: rosters.import_roster(course_id, path, uow, ctx), said)

    def withdraw(self) -> None:
        member_id = _selected_key(self.roster)
        if member_id is None or self.course_id is None:
            return
        course_id, uow, ctx = self.course_id, self.session.desk.uow(), self.session.ctx()
        self._run(lambda: rosters.withdraw(course_id, member_id, uow, ctx), lambda _r: None)

    def edit_cell(self, row: int, column: int) -> None:
        grid = self.grid_data
        if grid is None or column == 0 or row >= len(grid.rows):
            return
        person, held = grid.rows[row], grid.sessions[column - 1]
        self.cell_trail = self.trail(held.id, person.member_id)
        answer = self.ask_mark(person.name, f"{held.number}/{held.of} {held.on_date}")
        if answer is None:
            return
        status, note = answer
        uow, ctx = self.session.desk.uow(), self.session.ctx()
        self._run(
            lambda: attendance.mark(
                held.id, person.member_id, status, uow, ctx, note=note, source="grid"
            ),
            lambda _r: None,
        )

    def certify(self) -> None:
        if self.course_id is None:
            return
        course_id, uow, ctx = self.course_id, self.session.desk.uow(), self.session.ctx()
        keys = self.session.desk.keys

        def issued(result: object) -> None:
            assert isinstance(result, completion.CertifyResult)
            every = completion.course_certificates(uow, course_id)
            if not every:
                QMessageBox.information(self, tr("course.certify"), tr("training.no_certificates"))
                return
            PoolOp(self, lambda: completion.certificates_pdf(uow, every)).success(
                lambda pdf: self.show_pdf(pdf, tr("course.certify"))
            ).run()

        self._run(lambda: completion.certify_course(course_id, uow, ctx, keys), issued, CERTIFIED)

    def reissue(self) -> None:
        serial = _selected_key(self.completion)
        if not serial:
            QMessageBox.information(self, tr("course.reissue"), tr("course.pick_certificate"))
            return
        reason, ok = QInputDialog.getText(self, tr("course.reissue"), tr("course.reissue_reason"))
        if not ok:
            return
        uow, ctx, keys = self.session.desk.uow(), self.session.ctx(), self.session.desk.keys

        def printed(result: object) -> None:
            from desktop.services.certificates.commands import IssuedCertificate

            assert isinstance(result, IssuedCertificate)
            self.show_pdf(completion.certificates_pdf(uow, [result]), tr("course.reissue"))

        self._run(
            lambda: completion.reissue_certificate(serial, reason, uow, ctx, keys),
            printed,
            CERTIFIED,
        )

    def export(self, kind: str) -> None:
        if self.course_id is None:
            return
        course_id, uow = self.course_id, self.session.desk.uow()
        if kind == "pdf":
            PoolOp(self, lambda: course_report.course_report_pdf(uow, course_id)).success(
                lambda pdf: self.show_pdf(pdf, tr("course.print_report"))
            ).run()
            return
        path = self.ask_path(tr("course.export_xlsx"), "Excel (*.xlsx)", True)
        if not path:
            return
        target = path if path.lower().endswith(".xlsx") else path + ".xlsx"

        def write() -> str:
            data = course_report.course_report_xlsx(uow, course_id)
            with open(target, "wb") as out:
                out.write(data)
            return target

        PoolOp(self, write).success(
            lambda where: self.roster_note.setText(tr("cli.report_written", out=where))
        ).run()

    # --- asking ---------------------------------------------------------------------------

    def _ask_path(self, title: str, pattern: str, save: bool) -> str | None:
        if save:
            path, _ = QFileDialog.getSaveFileName(self, title, in_documents(), pattern)
        else:
            path, _ = QFileDialog.getOpenFileName(self, title, in_documents(), pattern)
        return path or None

    def trail(self, session_id: str, member_id: str) -> list[str]:
        """Every mark of one cell, oldest first: when, what, why, who, from where."""
        uow = self.session.desk.uow()
        names = {o.id: o.name for o in operators.list_operators(uow, include_inactive=True)}
        lines = []
        for h in attendance.history(uow, session_id, member_id):
            parts = [
                shown(h.device_time),
                tr("attendance." + h.status.value),
                h.note,
                names.get(h.operator_id or "", ""),
                tr("course.source_" + h.source),
            ]
            line = "  ".join(p for p in parts if p)
            lines.append(("▶ " if h.counts else "   ") + line)
        return lines

    def _ask_mark(self, name: str, where: str) -> tuple[AttendanceStatus, str] | None:
        dialog = MarkDialog(name, where, self, self.cell_trail)
        if not dialog.exec():
            return None
        return dialog.status(), dialog.note.text()


class SessionDialog(QDialog):
    """A new session, or where an existing one moves to (``current``)."""

    def __init__(
        self, parent: QWidget | None = None, current: courses.CourseSession | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("course.move_session" if current else "course.add_session"))
        day = QDate.fromString(current.on_date, "yyyy-MM-dd") if current else desk_qdate()
        self.day = QDateEdit(day)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.starts = QLineEdit(current.starts_at if current else "09:00")
        self.ends = QLineEdit(current.ends_at if current else "11:00")
        self.topic = QLineEdit(current.topic if current else "")
        form = QFormLayout(self)
        form.addRow(tr("course.date"), self.day)
        form.addRow(tr("course.starts"), self.starts)
        form.addRow(tr("course.ends"), self.ends)
        form.addRow(tr("course.topic"), self.topic)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def form(self) -> courses.SessionForm:
        d = self.day.date()
        return courses.SessionForm(
            date(d.year(), d.month(), d.day()),
            self.starts.text(),
            self.ends.text(),
            "",
            self.topic.text(),
        )


class MarkDialog(QDialog):
    """Change one cell of the grid: a new mark with a note (the old one stays, superseded)."""

    def __init__(
        self, name: str, where: str, parent: QWidget | None = None, trail: list[str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("course.mark_title", name=name, where=where))
        history = QLabel("\n".join(trail or []) or tr("course.no_marks"))
        history.setObjectName("markHistory")
        history.setStyleSheet("color:#455a64;")
        self.choice = QComboBox()
        for status in AttendanceStatus:
            self.choice.addItem(tr("attendance." + status.value), status.value)
        self.note = QLineEdit()
        form = QFormLayout(self)
        form.addRow(tr("course.history"), history)
        form.addRow(tr("door.col_status"), self.choice)
        form.addRow(tr("course.note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def status(self) -> AttendanceStatus:
        return AttendanceStatus(self.choice.currentData())
