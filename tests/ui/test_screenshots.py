"""Screenshots of every screen at 1366x768, in Chinese and English, for people to look at.

They are written to ``screenshots/<lang>/`` at the top of the repository (or to
``$WAYSTATION_SCREENSHOTS``); the README points there. The test also checks that the
window really is in the language asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop import i18n
from desktop.bootstrap import Desk
from desktop.demo import generate
from desktop.domain.model import DeskContext, Device, Operator
from desktop.i18n import tr
from ui.app import DeskApp
from ui.members.form import MemberFormDialog
from ui.session.setup_dialog import SetupDialog
from ui.session.state import DeskSession

from .keys import HUMAN_DELAY_MS, type_text

SIZE = (1366, 768)
ROOT = Path(__file__).resolve().parents[2]
# The main screens the README shows (Chinese, scaled to 1024 wide), refreshed only when
# asked (`make screenshots`): a test run does not rewrite files the repository keeps.
README_SHOTS = {
    "04-check-in-recorded",
    "05-members",
    "11-training-door",
    "16-report",
    "21-handout-done",
}
README_FOLDER = ROOT / "docs" / "screens"


def shots_folder(lang: str) -> Path:
    folder = Path(os.environ.get("WAYSTATION_SCREENSHOTS", ROOT / "screenshots")) / lang
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def grab(widget: QWidget, folder: Path, name: str) -> Path:
    QApplication.processEvents()
    path = folder / f"{name}.png"
    picture = widget.grab()
    assert picture.save(str(path)), path
    if folder.name == "zh" and name in README_SHOTS and os.environ.get("WAYSTATION_README_SHOTS"):
        README_FOLDER.mkdir(parents=True, exist_ok=True)
        small = picture.scaledToWidth(1024, Qt.TransformationMode.SmoothTransformation)
        assert small.save(str(README_FOLDER / f"{name}.png")), name
    return path


def release(controller: DeskApp) -> None:
    """Take the controller's Qt translators off the application the tests share: a Chinese
    run's would otherwise put 保存 and 取消 on the next English run's dialogs."""
    controller.apply_language("en")
    i18n.set_language("zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshots(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    station: tuple[Device, Operator],
    ctx: DeskContext,
    lang: str,
) -> None:
    device, admin = station
    generate(desk, ctx, members=400, visits=1500, seed=3)
    folder = shots_folder(lang)
    controller = DeskApp(qapp, desk)
    controller.apply_language(lang)

    window = controller.build_window()
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    grab(window, folder, "01-sign-in")

    window.start_duty(admin)
    screen = window.checkin_screen
    assert screen is not None
    type_text(qtbot, screen.search, "wang", HUMAN_DELAY_MS)
    grab(window, folder, "02-check-in-search")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    grab(window, folder, "03-check-in-confirm")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    grab(window, folder, "04-check-in-recorded")
    assert tr("shell.tab_checkin") == window.tabs.tabText(0)  # type: ignore[union-attr]

    tabs = window.tabs
    assert tabs is not None
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    for code, name in (
        ("shell.tab_members", "05-members"),
        ("shell.tab_verify", "10-verify"),
        ("shell.tab_operators", "06-operators"),
        ("shell.tab_sync", "14-sync-standalone"),
        ("shell.tab_settings", "07-settings"),
        ("shell.tab_training", "15-training"),
        ("report.tab", "16-report"),
        ("aid.ui.tab_handout", "17-handouts"),
        ("aid.ui.tab_stock", "18-stock"),
    ):
        tabs.setCurrentIndex(titles.index(tr(code)))
        grab(window, folder, name)
        # Every screen fits a 1366-pixel-wide desk screen in both languages.
        assert window.width() == SIZE[0], (name, window.width())

    form = MemberFormDialog(DeskSession(desk, device, admin), prefill="刘")
    qtbot.addWidget(form)
    form.phone.setText("1380013800")
    form.consent.setChecked(True)
    form.save()
    form.resize(640, form.sizeHint().height())
    form.show()
    grab(form, folder, "08-member-form-error")

    setup = SetupDialog(desk)
    qtbot.addWidget(setup)
    setup.show()
    grab(setup, folder, "09-first-start")

    _training_screenshots(window, desk, ctx, folder)

    expected = "签到" if lang == "zh" else "Check-in"
    assert tabs.tabText(0) == expected
    release(controller)


def test_language_switch_rebuilds_the_window_and_keeps_the_operator(
    qtbot: QtBot, qapp: QApplication, desk: Desk, station: tuple[Device, Operator]
) -> None:
    _device, admin = station
    controller = DeskApp(qapp, desk)
    controller.apply_language("zh")
    window = controller.build_window(admin)
    qtbot.addWidget(window)
    assert window.tabs is not None and window.tabs.tabText(0) == "签到"

    controller.change_language("en")
    switched = controller.window
    assert switched is not None and switched is not window
    qtbot.addWidget(switched)
    assert switched.session is not None and switched.session.operator == admin
    assert switched.tabs is not None and switched.tabs.tabText(0) == "Check-in"
    assert switched.checkin_screen is not None
    assert "Scan" in switched.checkin_screen.search.placeholderText()


def _training_screenshots(window: QWidget, desk: Desk, ctx: DeskContext, folder: Path) -> None:
    """The door during a session and the course behind it (ui/training)."""
    from datetime import date, timedelta

    from desktop.domain.training import AttendanceStatus
    from desktop.services.members import queries as member_queries
    from desktop.services.training import attendance, courses, rosters

    today = date.today()
    sessions = tuple(
        courses.SessionForm(today + timedelta(days=d), "09:00", "11:00", topic=f"第{d + 3}讲")
        for d in range(-2, 4)
    )
    form = courses.CourseForm(title="电工安全操作培训", teacher="刘建国", venue="街道职工之家")
    made = courses.create_course(form, desk.uow(), ctx, sessions)
    ids = member_queries.member_ids(desk.uow())[:14]
    for member_id in ids:
        rosters.enrol(made.id, "", desk.uow(), ctx, member_id=member_id)
    held = courses.sessions(desk.uow(), made.id)
    for past in held[:2]:
        for i, member_id in enumerate(ids):
            status = [AttendanceStatus.PRESENT] * 3 + [AttendanceStatus.LATE]
            status += [AttendanceStatus.ABSENT]
            attendance.mark(past.id, member_id, status[i % 5], desk.uow(), ctx)
    training = window.training_screen  # type: ignore[attr-defined]
    window.tabs.setCurrentWidget(training)  # type: ignore[attr-defined]
    training.show_door(held[2].id)
    for member_id in ids[:9]:
        training.door.mark(member_id=member_id)
    training.door.mark(member_id=ids[0])  # scanned twice: says so
    grab(window, folder, "11-training-door")
    training.pages.setCurrentWidget(training.courses)
    training.courses.pages.setCurrentIndex(2)
    grab(window, folder, "12-training-grid")
    training.courses.pages.setCurrentIndex(3)
    grab(window, folder, "13-training-completion")
