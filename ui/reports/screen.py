"""The station's report for a month or any date range: figures, charts, print in one click.

The figures are counted on the pool (``monthly_report.monthly_report`` only reads); the
charts are QtCharts bar charts over the same DTO the PDF is drawn from.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.report import MonthlyReport, Tally
from desktop.i18n import tr
from desktop.printing.monthly_report import monthly_report_pdf, subtitle, summary_lines
from desktop.services.reports import monthly as monthly_report
from ui.files import in_documents
from ui.printing import preview
from ui.session.state import DeskSession
from ui.tasks import PoolOp

log = logging.getLogger(__name__)

MONTHS_OFFERED = 13  # this month and the twelve before it
BLUE, ORANGE = QColor("#2E6FBA"), QColor("#E08A2E")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _months(today: date) -> list[tuple[date, date]]:
    found = []
    year, month = today.year, today.month
    for _ in range(MONTHS_OFFERED):
        last = calendar.monthrange(year, month)[1]
        found.append((date(year, month, 1), date(year, month, last)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


def _chart(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.legend().hide()
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(200)
    return chart, view


def _fill_columns(chart: QChart, values: list[int], labels: list[str], colour: QColor) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    bars = QBarSet("")
    bars.append([float(v) for v in values])
    bars.setColor(colour)
    series = QBarSeries()
    series.append(bars)
    series.setBarWidth(0.8)
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append(labels)
    if len(labels) > 20:  # 24 hours or 31 days under a half-width chart: small print
        font = x.labelsFont()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        x.setLabelsFont(font)
    y = QValueAxis()
    y.setRange(0, max([*values, 1]) * 1.1)
    y.setLabelFormat("%d")
    y.applyNiceNumbers()
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)


def _fill_hours(chart: QChart, values: list[int]) -> None:
    """Visits per hour: bars at 0..23 on a value axis that names every third hour ("6时"),
    level and legible in a half-width chart (24 category names there were elided to "⋮")."""
    _fill_columns(chart, values, [str(h) for h in range(24)], BLUE)
    series = chart.series()[0]
    for axis in chart.axes(Qt.Orientation.Horizontal):
        series.detachAxis(axis)
        chart.removeAxis(axis)
    x = QCategoryAxis()
    x.setRange(-0.5, 23.5)
    x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for hour in range(0, 24, 3):
        x.append(tr("report.hour_label", h=hour), hour)
    x.setGridLineVisible(False)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)


def _fill_rows(chart: QChart, tallies: tuple[Tally, ...], colour: QColor) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    shown = list(tallies[:8])[::-1]
    bars = QBarSet("")
    bars.append([float(t.visits) for t in shown])
    bars.setColor(colour)
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    y = QBarCategoryAxis()
    y.append([t.label for t in shown] or [""])
    # Qt elides a category name to "..." when it guesses the plot needs the room: every
    # service read "..." at 1366x768. The names are short; the plot gives way.
    y.setTruncateLabels(False)
    x = QValueAxis()
    x.setRange(0, max([t.visits for t in shown] + [1]) * 1.15)
    x.setLabelFormat("%d")
    x.applyNiceNumbers()
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(y)
    series.attachAxis(x)


class ReportScreen(QWidget):
    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportScreen")
        self.session = session
        self.report: MonthlyReport | None = None
        self._asked = 0
        # Replaced in tests: how the PDF reaches the printer, where files are saved.
        self.show_pdf: Callable[[bytes, str], bool] = lambda pdf, title: preview(self, pdf, title)
        self.ask_path: Callable[[str, str], str] = self._ask_path

        self.month = QComboBox()
        self.month.setObjectName("reportMonth")
        for first, last in _months(session.today()):
            self.month.addItem(monthly_report.period_title(first, last), (first, last))
        self.month.addItem(tr("report.custom_range"), None)
        self.month.currentIndexChanged.connect(self._month_chosen)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self._range_edited())
        self.print_button = QPushButton(tr("report.print"))
        self.print_button.setObjectName("reportPrint")
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button = QPushButton(tr("report.save_pdf"))
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.xlsx_button = QPushButton(tr("report.save_xlsx"))
        self.xlsx_button.clicked.connect(lambda: self.save("xlsx"))
        self.export_button = QPushButton(tr("report.export_data"))
        self.export_button.clicked.connect(self.open_export)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        # What the figures cover, as the PDF and the workbook say it: the station, the
        # period, and that records synced from other stations are not counted.
        self.heading = QLabel()
        self.heading.setObjectName("reportHeading")
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold; color: #1f3b63;")
        self.scope = QLabel()
        self.scope.setObjectName("reportScope")
        self.scope.setWordWrap(True)
        self.scope.setStyleSheet("color: #555;")

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("report.period")))
        top.addWidget(self.month)
        top.addWidget(self.start)
        top.addWidget(QLabel(tr("report.to")))
        top.addWidget(self.end)
        top.addWidget(self.status, 1)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        top.addWidget(self.export_button)

        self.figures = QGridLayout()
        self.figure_labels: list[tuple[QLabel, QLabel]] = []
        for i in range(8):
            name, value = QLabel(), QLabel()
            value.setStyleSheet("font-size: 20px; font-weight: bold; color: #1f3b63;")
            name.setStyleSheet("color: #555;")
            self.figures.addWidget(value, 0, i)
            self.figures.addWidget(name, 1, i)
            self.figure_labels.append((name, value))

        self.days_chart, days_view = _chart(tr("report.chart_days"))
        self.hours_chart, hours_view = _chart(tr("report.chart_hours"))
        self.services_chart, services_view = _chart(tr("report.sheet_services"))
        self.breakdown = QTableWidget(0, 4)
        self.breakdown.setObjectName("reportBreakdown")
        self.breakdown.setHorizontalHeaderLabels(
            [tr("report.col_group"), "", tr("report.col_visits"), tr("report.col_people")]
        )
        self.breakdown.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.breakdown.verticalHeader().hide()
        self.breakdown.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        charts = QGridLayout()
        charts.addWidget(days_view, 0, 0, 1, 2)
        charts.addWidget(hours_view, 1, 0)
        charts.addWidget(services_view, 1, 1)
        charts.addWidget(self.breakdown, 0, 2, 2, 1)
        charts.setColumnStretch(0, 3)
        charts.setColumnStretch(1, 3)
        charts.setColumnStretch(2, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addWidget(self.scope)
        layout.addLayout(self.figures)
        layout.addLayout(charts, 1)
        self._month_chosen(0, count=False)

    def showEvent(self, event) -> None:
        # Counted when looked at (and again each time: check-ins go on meanwhile), not when
        # the tabs are built at sign-in.
        super().showEvent(event)
        self.refresh()

    # --- period ------------------------------------------------------------------------------

    def _month_chosen(self, index: int, count: bool = True) -> None:
        period = self.month.itemData(index)
        custom = period is None
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if custom:
            return
        first, last = period
        for edit, day in ((self.start, first), (self.end, last)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        if count:
            self.refresh()

    def _range_edited(self) -> None:
        if self.month.currentData() is None:
            self.refresh()

    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def show_period(self, start: date, end: date) -> None:
        """Any range: the custom entry of the period list."""
        self.month.setCurrentIndex(self.month.count() - 1)
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.refresh()

    # --- figures -----------------------------------------------------------------------------

    def refresh(self) -> None:
        start, end = self.period()
        if end < start:
            self.status.setText(tr("export.range"))
            return
        self.status.setText(tr("report.counting"))
        uow = self.session.desk.uow
        self._asked += 1
        asked = self._asked

        def done(report: MonthlyReport) -> None:
            if asked == self._asked:  # a later period was asked for meanwhile: skip this one
                self.show_report(report)

        PoolOp(self, lambda: monthly_report.monthly_report(uow(), start, end)).success(done).run()

    def show_report(self, report: MonthlyReport) -> None:
        self.report = report
        self.status.setText("")
        self.heading.setText(f"{report.station}  {report.title}    {subtitle(report)}")
        self.scope.setText(tr("report.scope", station=report.station))
        for (name, value), (label, figure) in zip(
            self.figure_labels, summary_lines(report), strict=True
        ):
            name.setText(label)
            value.setText(figure)
        days = [d.day for d in report.days]
        # Category names must differ: day numbers for a month, month-day or dates for more.
        cut = 8 if len(days) <= 31 else 5 if len(days) <= 366 else 0
        labels = [d[cut:].lstrip("0") if cut == 8 else d[cut:] for d in days]
        _fill_columns(self.days_chart, [d.visits for d in report.days], labels, BLUE)
        _fill_hours(self.hours_chart, list(report.hours))
        _fill_rows(self.services_chart, report.services, ORANGE)
        rows: list[tuple[str, Tally]] = [
            *((tr("report.col_occupation"), t) for t in report.occupations),
            *((tr("report.col_tag"), t) for t in report.tags),
        ]
        self.breakdown.setRowCount(len(rows))
        for r, (group, tally) in enumerate(rows):
            for c, text in enumerate((group, tally.label, str(tally.visits), str(tally.people))):
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.breakdown.setItem(r, c, item)
        for column in (0, 2, 3):
            self.breakdown.resizeColumnToContents(column)

    # --- paper and files ---------------------------------------------------------------------

    def print_report(self) -> None:
        report = self.report
        if report is None:
            return
        title = f"{report.station} {report.title}"
        op = PoolOp(self, lambda: monthly_report_pdf(report))
        op.success(lambda pdf: self.show_pdf(pdf, title)).run()

    def _ask_path(self, suggested: str, kind: str) -> str:
        pattern = "PDF (*.pdf)" if kind == "pdf" else "Excel (*.xlsx)"
        path, _filter = QFileDialog.getSaveFileName(
            self, tr("report.save_title"), in_documents(suggested), pattern
        )
        return path

    def save(self, kind: str) -> None:
        report = self.report
        if report is None:
            return
        path = self.ask_path(f"{report.station}-{report.title}.{kind}", kind)
        if not path:
            return
        if not path.lower().endswith("." + kind):
            path += "." + kind
        op = PoolOp(self, lambda: monthly_report.write_report(report, path))
        op.success(lambda target: self.status.setText(tr("report.saved", path=str(target)))).run()

    def open_export(self) -> None:
        from ui.imports.export_dialog import ExportDialog

        start, end = self.period()
        ExportDialog(self.session, "visits", start, end, self).exec()
