"""The screens and dialogs test_screenshots.py and test_aid_screenshots.py do not grab, at
1366x768 in Chinese and English, into the same folder (``screenshots/<lang>/``, not kept in
the repository): walk-in (F2), editing a member, a verified card and certificate, a new
course and its roster, connecting to a server, the import preview, exports, a new operator,
a certificate by hand, restore, the locked desk. People look at them; the test checks that
each is in the language asked for and no wider than the screen."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.demo import generate
from desktop.domain.model import DeskContext, Device, Operator
from desktop.i18n import tr
from desktop.services.cards import commands as cards
from desktop.services.certificates import commands as certificates
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from desktop.services.training import courses, rosters
from tests.unit.test_services_imports import messy_roster
from ui.admin.operators_screen import OperatorDialog
from ui.admin.restore_dialog import RestoreDialog
from ui.app import DeskApp
from ui.imports.export_dialog import ExportDialog
from ui.imports.wizard import ImportWizard
from ui.members.certificate_dialog import CertificateDialog
from ui.members.form import MemberFormDialog
from ui.session.setup_dialog import SetupDialog
from ui.sync.enrol_dialog import EnrolDialog
from ui.training.course_dialog import CourseDialog
from ui.verify.screen import VerifyScreen

from .test_screenshots import SIZE, grab, release, shots_folder

CJK = range(0x4E00, 0xA000)


def _dialog(qtbot: QtBot, dialog: QWidget, folder: Path, name: str) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    grab(dialog, folder, name)
    assert dialog.width() <= SIZE[0] and dialog.height() <= SIZE[1], (name, dialog.size())
    if folder.name == "en":  # buttons (Qt's own Save, Cancel, ... too) in English
        for button in dialog.findChildren(QPushButton):
            assert not any(ord(c) in CJK for c in button.text()), (name, button.text())
    for label in dialog.findChildren(QLabel):  # labels read whole
        if label.isVisible() and label.text() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), (name, label.text(), label.width())
    _hints_fit(dialog, name)
    dialog.close()


def _hints_fit(widget: QWidget, name: str) -> None:
    """Hints in fields read whole, not "e.g. Chaoyang …"."""
    for field in widget.findChildren(QLineEdit):
        if field.placeholderText() == field.toolTip():
            continue  # a default folder, whole in its tooltip
        if field.isVisible() and field.placeholderText():
            hint = field.fontMetrics().horizontalAdvance(field.placeholderText())
            assert hint + 12 <= field.width(), (name, field.placeholderText(), field.width())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_other_screen(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    station: tuple[Device, Operator],
    ctx: DeskContext,
    lang: str,
    tmp_path: Path,
) -> None:
    _device, admin = station
    generate(desk, ctx, members=300, visits=600, seed=7)
    folder = shots_folder(lang)
    controller = DeskApp(qapp, desk)
    controller.apply_language(lang)
    window = controller.build_window()
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    window.start_duty(admin)
    session = window.session
    assert session is not None and window.tabs is not None
    someone = member_queries.search_members(desk.uow(), "wang", limit=5)[0]
    member = members.resolve_member(desk.uow(), someone.id)

    # Search hints are read whole: none is cut off at 1366 wide.
    handout = window.handout_screen  # type: ignore[attr-defined]
    fields = [
        (window.checkin_screen, window.checkin_screen.search),  # type: ignore[union-attr]
        (window.members_screen, window.members_screen.filter),  # type: ignore[attr-defined]
        (handout, handout.search),
        (window.training_screen, window.training_screen.door.search),  # type: ignore[attr-defined]
    ]
    for screen, field in fields:
        window.tabs.setCurrentWidget(screen)
        QApplication.processEvents()
        hint = field.fontMetrics().horizontalAdvance(field.placeholderText())
        assert hint + 16 <= field.width(), (field.placeholderText(), hint, field.width())

    settings = window.settings_screen  # type: ignore[attr-defined]
    window.tabs.setCurrentWidget(settings)
    QApplication.processEvents()
    _hints_fit(settings, "settings")

    walk_in = MemberFormDialog(
        session, prefill="赵", accept_label=tr("checkin.register_and_check_in")
    )
    walk_in.phone.setText("13800138000")
    _dialog(qtbot, walk_in, folder, "30-walk-in-f2")
    _dialog(qtbot, MemberFormDialog(session, member=member), folder, "31-member-edit")

    tabs = window.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    tabs.setCurrentIndex(titles.index(tr("shell.tab_verify")))  # built when first shown
    verify = tabs.currentWidget()
    assert isinstance(verify, VerifyScreen)
    verify.verify(cards.card_to_print(member.id, desk.uow(), ctx, desk.keys).qr_text)
    grab(window, folder, "32-verify-card")
    issued = certificates.issue_certificate(
        certificates.CertificateForm(member.id, "培训证书", "电工安全操作培训", "16"),
        desk.uow(),
        ctx,
        desk.keys,
    )
    verify.verify(issued.url)
    grab(window, folder, "33-verify-certificate")

    _dialog(qtbot, CourseDialog(session), folder, "34-new-course")
    today = date.today()
    made = courses.create_course(
        courses.CourseForm(title="母婴护理技能培训", teacher="陈老师", venue="职工之家二楼"),
        desk.uow(),
        ctx,
        tuple(courses.SessionForm(today + timedelta(days=d), "14:00", "16:30") for d in range(4)),
    )
    for found in member_queries.search_members(desk.uow(), "li", limit=12):
        rosters.enrol(made.id, "", desk.uow(), ctx, member_id=found.id)
    training = window.training_screen  # type: ignore[attr-defined]
    window.tabs.setCurrentWidget(training)
    training.pages.setCurrentWidget(training.courses)
    training.courses.course_id = made.id
    training.courses.refresh()
    training.courses.pages.setCurrentIndex(0)
    grab(window, folder, "35-course-sessions")
    listed = training.courses.list  # the title, not "母…" beside long dates and counts
    assert listed.columnWidth(0) >= listed.fontMetrics().horizontalAdvance("母婴护理技能培训")
    training.courses.pages.setCurrentIndex(1)
    grab(window, folder, "36-course-roster")

    _dialog(qtbot, EnrolDialog(desk, ctx), folder, "37-sync-connect")

    wizard = ImportWizard(session)
    wizard.file_page.load(str(messy_roster(tmp_path / "花名册.xlsx")))
    qtbot.addWidget(wizard)
    wizard.show()
    grab(wizard, folder, "38-import-file")
    wizard.next()
    grab(wizard, folder, "39-import-preview")
    columns = wizard.mapping_page.columns
    for row in range(columns.rowCount()):  # what each column is imported as, in full
        choice = columns.cellWidget(row, 1)
        assert isinstance(choice, QComboBox)
        assert columns.columnWidth(1) >= choice.sizeHint().width(), choice.currentText()
    wizard.close()

    _dialog(
        qtbot,
        ExportDialog(session, "visits", today - timedelta(days=30), today),
        folder,
        "40-export",
    )
    _dialog(qtbot, OperatorDialog(lambda form: admin), folder, "41-new-operator")
    _dialog(qtbot, CertificateDialog(session, member), folder, "42-certificate-by-hand")
    _dialog(qtbot, RestoreDialog(session), folder, "43-restore")

    _dialog(qtbot, SetupDialog(desk), folder, "45-first-start")

    window.lock("idle")
    grab(window, folder, "44-locked")
    person = window.sign_in.people.item(0).text()
    assert ("（" in person) == (lang == "zh"), person  # "王站长 (admin)" in English

    shown_cjk = any(ord(c) in CJK for c in tabs.tabText(0) + window.sign_in.pin.placeholderText())
    assert shown_cjk == (lang == "zh")
    release(controller)
