"""The import wizard, the export dialog and the report screen on real widgets and data;
screenshots of each at desk size in both languages."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWizard
from pytestqt.qtbot import QtBot

from desktop import i18n
from desktop.bootstrap import Desk
from desktop.demo import generate
from desktop.domain.errors import PermissionDenied
from desktop.domain.model import DeskContext, Role
from desktop.services.desk import operators
from desktop.services.members import commands as members
from desktop.services.members.commands import MemberForm
from ui.imports.export_dialog import ExportDialog
from ui.imports.wizard import ImportWizard
from ui.reports.screen import ReportScreen
from ui.session.state import DeskSession

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.ui.test_screenshots import SIZE, grab, shots_folder  # noqa: E402
from tests.unit.test_services_imports import messy_roster  # noqa: E402


def attendant_session(desk: Desk, session: DeskSession) -> DeskSession:
    form = operators.OperatorForm(name="小李", role=Role.ATTENDANT, pin="1357")
    added = operators.add_operator(form, desk.uow(), session.ctx())
    return DeskSession(desk, session.device, added)


def run_wizard(qtbot: QtBot, session: DeskSession, roster: Path) -> ImportWizard:
    wizard = ImportWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.load(str(roster))
    return wizard


def test_the_wizard_guesses_previews_imports_and_saves_the_refused_rows(
    qtbot: QtBot, desk: Desk, session: DeskSession, tmp_path: Path
) -> None:
    members.register_member(
        MemberForm(name="郑老大", phone="15000150000", consent=True), desk.uow(), session.ctx()
    )
    roster = messy_roster(tmp_path / "花名册.xlsx")
    wizard = run_wizard(qtbot, session, roster)
    page = wizard.file_page
    assert [page.sheet.itemText(i) for i in range(page.sheet.count())] == ["填表说明", "花名册"]
    assert page.sheet.currentText() == "花名册"
    assert "第 4 行" in page.info.text() and "12 行" in page.info.text()
    assert page.isComplete()

    wizard.next()
    mapping = wizard.mapping_page
    assert mapping.mapping() == {
        1: "name",
        2: "phone",
        4: "id_number",
        5: "employer",
        6: "occupation",
        7: "tags",
    }
    preview = mapping.preview
    assert preview.rowCount() == 12
    # Without consent the rows with a phone are refused in the preview, in red words.
    item = preview.item(0, 1)
    assert item is not None and "同意" in item.text()
    mapping.consent.setChecked(True)
    first = preview.item(0, 1)
    assert first is not None and first.text() == "张三"
    rounded = preview.item(4, 1)
    assert rounded is not None and "Excel" in rounded.text()
    # Every mapped field is a column in view (a row's long problem does not push them out);
    # fields not imported (union branch here) are not shown.
    shown = [
        preview.horizontalHeaderItem(c).text()  # type: ignore[union-attr]
        for c in range(1, preview.columnCount())
        if not preview.isColumnHidden(c)
    ]
    assert len(shown) == 6 and "工会" not in "".join(shown)
    widths = sum(preview.columnWidth(c) for c in range(preview.columnCount()))
    assert widths <= 6 * 260 + preview.columnWidth(0) and preview.columnWidth(1) <= 260
    # Taking the name column away leaves nothing to import.
    choice = mapping.columns.cellWidget(1, 1)
    assert isinstance(choice, QComboBox)
    choice.setCurrentIndex(0)
    assert not mapping.isComplete() and "姓名" in mapping.problem.text()
    choice.setCurrentIndex(choice.findData("name"))
    assert mapping.isComplete()

    wizard.next()  # the commit page: the import runs
    run = wizard.run_page
    assert run.result is not None
    assert (run.result.imported, run.result.updated, len(run.result.refused)) == (6, 1, 5)
    assert "新导入 6" in run.summary.text()
    assert run.problems.rowCount() == 5 and run.save.isVisible()
    assert wizard.imported and run.isComplete()
    target = tmp_path / "fix-me.xlsx"
    run.ask_path = lambda suggested: str(target)
    run.save_rejects()
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.max_row == 6
    assert str(target) in run.summary.text()


def test_cancel_stops_the_import_and_says_how_far_it_got(
    qtbot: QtBot, desk: Desk, session: DeskSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.reports import imports

    monkeypatch.setattr(imports, "BATCH_ROWS", 5)
    path = tmp_path / "list.csv"
    path.write_text(
        "姓名,手机号\n" + "\n".join(f"会员{chr(0x4E00 + i)},139{i:08d}" for i in range(12)),
        encoding="utf-8",
    )
    wizard = run_wizard(qtbot, session, path)
    wizard.next()
    wizard.mapping_page.consent.setChecked(True)
    steps: list[int] = []
    # The person presses Stop when the first batch has been stored.
    wizard.run_page.progress.moved.connect(
        lambda done, total: (steps.append(done), wizard.run_page.cancel.click())
    )
    wizard.next()
    result = wizard.run_page.result
    assert result is not None and result.cancelled
    assert (result.processed, result.imported) == (5, 5) and steps == [5]
    assert "已停止" in wizard.run_page.summary.text()
    assert wizard.run_page.bar.value() == 5


def test_attendants_cannot_import_or_show_phones(
    qtbot: QtBot, desk: Desk, session: DeskSession, tmp_path: Path
) -> None:
    attendant = attendant_session(desk, session)
    dialog = ExportDialog(attendant)
    qtbot.addWidget(dialog)
    assert not dialog.show_phones.isEnabled()
    target = tmp_path / "m.xlsx"
    dialog.ask_path = lambda suggested: str(target)
    refused: list[Exception] = []
    dialog._failed = refused.append  # type: ignore[method-assign]  # not a modal box in a test
    dialog.export()
    # exporting members is an admin task (issue 16): refused, nothing written
    qtbot.waitUntil(lambda: bool(refused))
    assert isinstance(refused[0], PermissionDenied) and not target.exists()
    from ui.imports import roster_menu

    button = roster_menu(dialog, attendant, lambda: None)
    menu = button.menu()
    assert menu is not None
    assert [a.isEnabled() for a in menu.actions()] == [False, True]


def test_export_dialog_exports_chosen_columns_of_visits(
    qtbot: QtBot, desk: Desk, session: DeskSession, ctx: DeskContext, tmp_path: Path
) -> None:
    generate(desk, ctx, members=30, visits=200, seed=4)
    today = date.today()
    dialog = ExportDialog(session, "visits", date(today.year - 2, 1, 1), today)
    qtbot.addWidget(dialog)
    assert dialog.start.isEnabled() and dialog.columns.count() == 8
    for i in range(3, 8):
        item = dialog.columns.item(i)
        item.setCheckState(item.checkState().Unchecked)
    target = tmp_path / "visits.csv"
    dialog.ask_path = lambda suggested: str(target)
    dialog.export()
    assert dialog.exported is not None and dialog.exported.rows == 200
    assert target.read_text(encoding="utf-8-sig").splitlines()[0] == "到访时间,会员号,姓名"


def test_report_screen_counts_draws_prints_and_saves(
    qtbot: QtBot, desk: Desk, session: DeskSession, ctx: DeskContext, tmp_path: Path
) -> None:
    generate(desk, ctx, members=60, visits=600, seed=5)
    screen = ReportScreen(session)
    qtbot.addWidget(screen)
    screen.resize(*SIZE)
    screen.show()
    assert screen.report is not None  # this month, counted on opening
    today = date.today()
    screen.show_period(date(today.year - 1, 1, 1), today)
    report = screen.report
    assert report is not None and report.visits == 600 - report.voided
    name, value = screen.figure_labels[0]
    assert name.text() == "到访人次" and value.text() == str(report.visits)
    # What the figures cover, on screen as on paper: the station, the period, its own records
    heading, scope = screen.heading.text(), screen.scope.text()
    assert report.station in heading and report.start in heading and report.end in heading
    assert scope.startswith("统计范围：仅本站") and report.station in scope
    assert screen.scope.isVisible()
    assert screen.days_chart.series() and screen.services_chart.series()
    [hours_axis] = screen.hours_chart.axes(Qt.Orientation.Horizontal)
    assert hours_axis.categoriesLabels() == [f"{h}时" for h in range(0, 24, 3)]
    assert hours_axis.labelsAngle() == 0  # level, not squeezed upright into "⋮"
    [services_axis] = screen.services_chart.axes(Qt.Orientation.Vertical)
    assert services_axis.categories() == [t.label for t in report.services[:8]][::-1]
    assert not services_axis.truncateLabels()  # every service read "..." at 1366x768
    assert screen.breakdown.rowCount() == len(report.occupations) + len(report.tags)
    printed: list[tuple[bytes, str]] = []
    screen.show_pdf = lambda pdf, title: printed.append((pdf, title))
    screen.print_button.click()  # one click: the report's PDF goes to the print preview
    assert printed and printed[0][0].startswith(b"%PDF") and report.title in printed[0][1]
    target = tmp_path / "report.xlsx"
    screen.ask_path = lambda suggested, kind: str(target)
    screen.save("xlsx")
    assert "按时段" in load_workbook(target).sheetnames


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshots_of_import_export_and_report(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    session: DeskSession,
    ctx: DeskContext,
    tmp_path: Path,
    lang: str,
) -> None:
    i18n.set_language(lang)
    generate(desk, ctx, members=400, visits=3000, seed=3)
    folder = shots_folder(lang)
    screen = ReportScreen(session)
    qtbot.addWidget(screen)
    screen.resize(*SIZE)
    screen.show()
    grab(screen, folder, "11-report")

    roster = messy_roster(tmp_path / "roster.xlsx")
    wizard = run_wizard(qtbot, session, roster)
    wizard.resize(1100, 640)
    grab(wizard, folder, "12-import-file")
    wizard.next()
    wizard.mapping_page.consent.setChecked(True)
    grab(wizard, folder, "13-import-columns")
    wizard.next()
    grab(wizard, folder, "14-import-done")
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()

    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    grab(dialog, folder, "15-export")
    i18n.set_language("zh")


def test_the_import_runs_in_the_background_and_reports_progress_across_threads(
    qtbot: QtBot, desk: Desk, session: DeskSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.reports import imports
    from ui import tasks

    monkeypatch.setattr(imports, "BATCH_ROWS", 4)
    path = tmp_path / "list.csv"
    path.write_text(
        "姓名,手机号\n" + "\n".join(f"会员{chr(0x4E00 + i)},137{i:08d}" for i in range(10)),
        encoding="utf-8",
    )
    wizard = run_wizard(qtbot, session, path)
    wizard.next()
    wizard.mapping_page.consent.setChecked(True)
    seen: list[int] = []
    wizard.run_page.progress.moved.connect(lambda done, total: seen.append(done))
    tasks.set_synchronous(False)
    try:
        wizard.next()
        assert wizard.run_page.running and not wizard.run_page.isComplete()
        qtbot.waitUntil(lambda: wizard.run_page.result is not None, timeout=30_000)
    finally:
        tasks.set_synchronous(True)
    assert wizard.run_page.result is not None and wizard.run_page.result.imported == 10
    assert seen == [4, 8, 10] and wizard.run_page.bar.value() == 10
    assert wizard.run_page.isComplete()


def test_the_header_row_can_be_set_by_hand(
    qtbot: QtBot, desk: Desk, session: DeskSession, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("说明：请勿改动\n人员,号码\n林一,13800138000\n", encoding="utf-8")
    wizard = run_wizard(qtbot, session, path)
    page = wizard.file_page
    assert not page.isComplete() and "没有找到" in page.info.text()
    page.header_row.setValue(2)
    page.header_row.editingFinished.emit()
    assert page.isComplete() and "第 2 行" in page.info.text()
    wizard.next()
    mapping = wizard.mapping_page
    assert mapping.columns.rowCount() == 2 and not mapping.isComplete()
    for row, field in ((0, "name"), (1, "phone")):
        choice = mapping.columns.cellWidget(row, 1)
        assert isinstance(choice, QComboBox)
        choice.setCurrentIndex(choice.findData(field))
    mapping.consent.setChecked(True)
    assert mapping.isComplete()
    wizard.next()
    result = wizard.run_page.result
    assert result is not None and (result.header_row, result.imported) == (2, 1)
