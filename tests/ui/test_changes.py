"""One changes bus: writes made through the window say what they changed; the shell nudges
sync when the outbox grew and the screens that show those records redraw."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.domain.changes import Changes
from desktop.domain.model import DeskContext, Device, Operator
from desktop.i18n import tr
from desktop.services.members import commands as members
from desktop.services.sync import commands as syncing
from desktop.services.training import courses, rosters
from desktop.storage.sync.repositories import SyncState
from sync.client.report import SyncReport
from sync.protocol import DATASETS
from tests.unit.test_services_imports import messy_roster
from ui import tasks
from ui.changes import ChangesBus, follow
from ui.imports import open_import
from ui.imports.wizard import ImportWizard
from ui.members.form import MemberFormDialog
from ui.shell import Shell
from ui.sync.scheduler import AFTER_WRITES_MS, PULLED, SyncScheduler, pulled_changes


class Window:
    """The window signed in, with sync's nudges counted instead of timed. The desk is
    connected to a server (none answers: sync never runs here), so that the status bar
    counts the records waiting to go up."""

    def __init__(
        self, qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], connected: bool = True
    ) -> None:
        device, admin = station
        self.desk = desk
        if connected:
            with desk.uow() as uow:
                uow.repo(SyncState).set("server_url", "http://127.0.0.1:9")
                uow.commit()
        self.shell = Shell(desk, device)
        qtbot.addWidget(self.shell)
        self.shell.resize(1366, 768)
        self.shell.show()
        self.shell.start_duty(admin)
        self.shell.scheduler.timer.stop()  # no sync of its own during a test
        self.nudges = 0
        self.published: list[Changes] = []
        self.shell.changes.changed.connect(lambda value, _origin: self.published.append(value))

        def nudged() -> None:
            self.nudges += 1

        self.shell.scheduler.local_writes = nudged  # type: ignore[method-assign]

    def show(self, screen: QWidget) -> None:
        assert self.shell.tabs is not None
        self.shell.tabs.setCurrentWidget(screen)

    def waiting_line(self) -> str:
        """What the status bar starts with: the count of records waiting to go up."""
        return tr("sync_bar.waiting", waiting=syncing.status(self.desk.uow()).waiting)

    def status_bar_counts_the_waiting(self) -> bool:
        return self.shell.outbox_label.text().startswith(self.waiting_line() + " · ")


@pytest.fixture
def window(qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]) -> Window:
    return Window(qtbot, desk, station)


def _when_modal(act: Callable[[QWidget], None]) -> None:
    """Run ``act`` on the next modal dialog once it is open."""

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        act(dialog)

    QTimer.singleShot(0, step)


def _register(desk: Desk, ctx: DeskContext, name: str, phone: str) -> members.Member:
    form = members.MemberForm(name=name, phone=phone, occupation="快递员", consent=True)
    return members.register_member(form, desk.uow(), ctx)


# --- the value and the adapter ------------------------------------------------------------------


def test_changes_merge_and_nothing_is_false() -> None:
    assert not Changes()
    merged = Changes(members=True) | Changes(outbox=True)
    assert merged == Changes(members=True, outbox=True) and merged


def test_a_follower_redraws_when_shown_and_skips_its_own_writes(qtbot: QtBot) -> None:
    bus = ChangesBus()
    screen, other = QWidget(), QWidget()
    qtbot.addWidget(screen)
    qtbot.addWidget(other)
    inside = QLabel(screen)
    redrawn: list[str] = []
    follow(bus, screen, lambda c: c.members, lambda: redrawn.append("x"))

    bus.publish(Changes(members=True), other)  # hidden: remembered, not redrawn yet
    bus.publish(Changes(visits=True), other)  # not what it shows
    assert redrawn == []
    screen.show()
    assert redrawn == ["x"]
    bus.publish(Changes(members=True), other)  # on view: at once
    assert redrawn == ["x", "x"]
    bus.publish(Changes(members=True), inside)  # its own write: it redrew itself
    bus.publish(Changes(members=True), screen)
    assert redrawn == ["x", "x"]
    screen.hide()
    screen.show()
    assert redrawn == ["x", "x"]  # shown again with nothing new: no work


def test_an_op_publishes_only_when_it_succeeds(qtbot: QtBot) -> None:
    bus = ChangesBus()
    heard: list[Changes] = []
    bus.changed.connect(lambda value, _origin: heard.append(value))

    def fail() -> None:
        raise ValueError("no")

    tasks.DbOp(None, fail).publish(bus, Changes(visits=True)).failure(lambda _e: None).run()
    assert heard == []
    tasks.DbOp(None, lambda: 3).publish(bus, lambda n: Changes(members=n > 2, outbox=True)).success(
        lambda _n: heard.append(Changes())
    ).run()
    # Published before the success callback runs (which may wait in a print preview).
    assert heard == [Changes(members=True, outbox=True), Changes()]


# --- writes at the desk -------------------------------------------------------------------------


def test_a_member_edit_nudges_sync_and_the_status_line_counts_it(
    window: Window, ctx: DeskContext
) -> None:
    member = _register(window.desk, ctx, "张三", "13900000001")
    screen = window.shell.members_screen
    window.show(screen)
    screen.refresh()
    assert screen.select_member(member.id)

    def rename(dialog: QWidget) -> None:
        assert isinstance(dialog, MemberFormDialog)
        dialog.employer.setText("美团")
        dialog.save()

    _when_modal(rename)
    screen.edit_selected()

    assert window.published == [Changes(members=True, outbox=True)]
    assert window.nudges == 1
    assert window.status_bar_counts_the_waiting()
    assert members.resolve_member(window.desk.uow(), member.id).employer == "美团"


def test_a_standalone_desks_status_bar_says_so_and_never_talks_of_uploads(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    window = Window(qtbot, desk, station, connected=False)
    standalone = tr("sync_bar.offline_only")
    assert window.shell.outbox_label.text() == standalone
    _register(window.desk, ctx, "张三", "13900000001")
    window.shell.changes.publish(Changes(members=True, outbox=True), None)
    assert syncing.status(desk.uow()).waiting > 0  # queued, in case it is ever connected
    assert window.shell.outbox_label.text() == standalone
    assert window.waiting_line() not in window.shell.outbox_label.text()


def test_a_walk_in_registered_at_check_in_shows_in_the_member_list(
    window: Window, ctx: DeskContext
) -> None:
    screen = window.shell.members_screen
    window.show(screen)
    assert screen.model.rowCount() == 0
    checkin = window.shell.checkin_screen
    assert checkin is not None
    window.show(checkin)
    checkin.ask_print_card = lambda _member: False

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, MemberFormDialog)
        dialog.name.setText("钱九")
        dialog.phone.setText("13900000009")
        dialog.consent.setChecked(True)
        dialog.save()

    _when_modal(fill)
    checkin.register_walk_in()

    assert window.published == [
        Changes(members=True, outbox=True),  # registered
        Changes(visits=True, outbox=True),  # and checked in
    ]
    assert window.nudges == 2
    assert "钱九" in checkin.today.table.item(0, 1).text()  # type: ignore[union-attr]
    window.show(screen)  # the list learnt of it while hidden, and reloads when shown
    assert screen.model.rowCount() == 1


def test_an_import_nudges_sync_and_fills_the_member_list(
    window: Window, ctx: DeskContext, tmp_path: Path
) -> None:
    roster = messy_roster(tmp_path / "花名册.xlsx")
    screen = window.shell.members_screen
    window.show(screen)
    sync_screen = window.shell.sync_screen
    waiting_before = sync_screen.details.text()
    imported: list[int] = []

    def run(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportWizard)
        dialog.file_page.load(str(roster))
        dialog.next()
        dialog.mapping_page.consent.setChecked(True)
        dialog.next()  # the import runs
        assert dialog.run_page.result is not None
        imported.append(dialog.run_page.result.imported)
        dialog.accept()

    _when_modal(run)
    assert window.shell.session is not None
    open_import(screen, window.shell.session, screen.refresh)

    assert window.published == [Changes(members=True, outbox=True)]
    assert window.nudges == 1
    assert imported[0] > 0 and screen.model.rowCount() == imported[0]
    assert window.status_bar_counts_the_waiting()
    assert sync_screen.details.text() == waiting_before  # hidden: not redrawn for nothing
    window.show(sync_screen)
    assert tr("cli.sync_waiting", count=syncing.status(window.desk.uow()).waiting) in (
        sync_screen.details.text()
    )


def test_printing_a_card_records_it_and_nudges_sync(window: Window, ctx: DeskContext) -> None:
    member = _register(window.desk, ctx, "张三", "13900000001")
    screen = window.shell.members_screen
    window.show(screen)
    screen.refresh()
    printed: list[bytes] = []
    screen.show_pdf = lambda pdf, _title: printed.append(pdf)
    waiting = syncing.status(window.desk.uow()).waiting
    assert screen.select_member(member.id)

    screen.print_button.click()

    assert len(printed) == 1
    assert window.published == [Changes(cards=True, outbox=True)]
    assert window.nudges == 1
    assert syncing.status(window.desk.uow()).waiting > waiting  # the card's print event
    assert window.status_bar_counts_the_waiting()


def test_a_mark_at_the_door_reaches_the_courses_page(window: Window, ctx: DeskContext) -> None:
    from datetime import date

    person = _register(window.desk, ctx, "张三", "13900000001")
    course = courses.create_course(
        courses.CourseForm(title="母婴护理"),
        window.desk.uow(),
        ctx,
        (courses.SessionForm(date.today(), "09:00", "11:00"),),
    )
    rosters.enrol(course.id, "", window.desk.uow(), ctx, member_id=person.id)
    training = window.shell.training_screen
    window.show(training)
    training.door.reload_sessions()
    training.courses.refresh()
    training.door.mark(member_id=person.id)

    assert window.published == [Changes(training=True, outbox=True)]
    assert window.nudges == 1
    training.pages.setCurrentWidget(training.courses)  # redrawn as it is shown
    grid = training.courses.grid_data
    assert grid is not None and grid.rows[0].cells[0].status is not None


def test_saved_settings_publish_and_take_effect(window: Window) -> None:
    screen = window.shell.settings_screen
    window.show(screen)
    screen.idle_lock.setValue(7)
    screen.save()
    assert window.published == [Changes(settings=True)]
    assert window.nudges == 0  # settings stay on this desk
    assert window.shell.idle_minutes == 7


# --- sync ---------------------------------------------------------------------------------------


def test_every_pulled_dataset_says_what_it_changes() -> None:
    assert set(PULLED) == set(DATASETS)
    assert not any(changes.outbox for changes in PULLED.values())


def test_a_sync_that_pulled_records_publishes_them_and_not_the_outbox(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    bus = ChangesBus()
    heard: list[Changes] = []
    bus.changed.connect(lambda value, _origin: heard.append(value))
    scheduler = SyncScheduler(desk, None, bus)
    try:
        scheduler._done(SyncReport(pushed=4))
        scheduler._done(SyncReport(pulled={"members": 3, "conflicts": 1, "courses": 0}))
    finally:
        scheduler.stop()
    assert heard == [Changes(members=True, conflicts=True)]
    assert pulled_changes(SyncReport(pulled={"handouts": 2})) == Changes(aid=True)


def test_local_writes_start_sync_soon(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    scheduler = SyncScheduler(desk)
    try:
        assert not scheduler.timer.isActive()
        scheduler.local_writes()
        assert scheduler.timer.isActive()
        assert scheduler.timer.interval() == AFTER_WRITES_MS
    finally:
        scheduler.stop()


def test_screens_of_an_earlier_sign_in_no_longer_follow(
    window: Window, station: tuple[Device, Operator], ctx: DeskContext, qtbot: QtBot
) -> None:
    _device, admin = station
    old = window.shell.members_screen
    window.shell.lock("shortcut")
    window.shell.start_duty(admin)  # the tabs are built anew; the old ones are deleted
    qtbot.waitUntil(lambda: not shiboken6.isValid(old))  # deleteLater has run
    new = window.shell.members_screen
    window.show(new)
    _register(window.desk, ctx, "张三", "13900000001")
    window.shell.changes.publish(Changes(members=True, outbox=True), None)
    assert new.model.rowCount() == 1 and window.nudges == 1
