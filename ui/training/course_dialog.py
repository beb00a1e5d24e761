"""A new course (or a one-off micro class: a course with one session, made in seconds)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.certificates import TITLES
from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.i18n import describe, tr
from desktop.services.training import courses
from ui.session.state import DeskSession
from ui.tasks import DbOp


class CourseDialog(QDialog):
    def __init__(self, session: DeskSession, micro: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("courseDialog")
        self.session = session
        self.micro = micro
        self.made: courses.Course | None = None
        self.setWindowTitle(tr("course.new_micro" if micro else "course.new"))
        self.title = QLineEdit()
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(
            [tr("course.cat_skill"), tr("course.cat_micro"), tr("course.cat_cadre")]
        )
        self.category.setCurrentIndex(1 if micro else 0)
        self.teacher = QLineEdit()
        self.venue = QLineEdit()
        self.organiser = QLineEdit()
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 100_000)
        self.capacity.setSpecialValueText(tr("course.no_limit"))
        self.rule = QComboBox()
        self.rule.addItem(tr("course.rule_share"), "share")
        self.rule.addItem(tr("course.rule_hours"), "hours")
        self.minimum = QLineEdit("80%")
        self.late = QComboBox()
        self.late.addItem(tr("course.late_full"), "full")
        self.late.addItem(tr("course.late_half"), "half")
        self.grace = QSpinBox()
        self.grace.setRange(0, 600)
        self.grace.setValue(10)
        self.grace.setSuffix(" " + tr("course.minutes"))
        self.walk_ins = QComboBox()
        self.walk_ins.addItem(tr("course.walk_ins_offer"), "offer")
        self.walk_ins.addItem(tr("course.walk_ins_refuse"), "refuse")
        self.certificate = QComboBox()
        self.certificate.addItems(list(TITLES))
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.starts = QLineEdit("14:00")
        self.ends = QLineEdit("15:00")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setStyleSheet("color:#c62828;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(tr("course.title"), self.title)
        form.addRow(tr("course.category"), self.category)
        form.addRow(tr("course.teacher"), self.teacher)
        form.addRow(tr("course.venue"), self.venue)
        if micro:
            form.addRow(tr("course.date"), self.day)
            form.addRow(tr("course.starts"), self.starts)
            form.addRow(tr("course.ends"), self.ends)
        else:
            form.addRow(tr("course.organiser"), self.organiser)
            form.addRow(tr("course.capacity"), self.capacity)
            form.addRow(tr("course.rule"), self.rule)
            form.addRow(tr("course.minimum"), self.minimum)
            form.addRow(tr("course.late"), self.late)
            form.addRow(tr("course.grace"), self.grace)
            form.addRow(tr("course.walk_ins"), self.walk_ins)
            form.addRow(tr("course.certificate"), self.certificate)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)

    def form(self) -> courses.CourseForm:
        return courses.CourseForm(
            title=self.title.text(),
            category=self.category.currentText(),
            organiser=self.organiser.text(),
            venue=self.venue.text(),
            teacher=self.teacher.text(),
            capacity=self.capacity.value(),
            rule_kind=str(self.rule.currentData()),
            rule_minimum="100%" if self.micro else self.minimum.text(),
            late_counts=str(self.late.currentData()),
            grace_minutes=self.grace.value(),
            walk_ins=str(self.walk_ins.currentData()),
            certificate_title=self.certificate.currentText(),
        )

    def save(self) -> None:
        sessions: tuple[courses.SessionForm, ...] = ()
        if self.micro:
            day = self.day.date()
            on = date(day.year(), day.month(), day.day())
            sessions = (courses.SessionForm(on, self.starts.text(), self.ends.text()),)
        form, uow, ctx = self.form(), self.session.desk.uow(), self.session.ctx()
        DbOp(self, lambda: courses.create_course(form, uow, ctx, sessions)).publish(
            self.session.changes, Changes(training=True, outbox=True)
        ).success(self._made).failure(self._failed).run()

    def _made(self, course: courses.Course) -> None:
        self.made = course
        self.accept()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, AppError):
            raise error
        self.error.setText(describe(error))
