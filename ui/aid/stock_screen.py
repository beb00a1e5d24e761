"""Stock of this desk per campaign: levels, receive, transfer, adjust, the blind count at close
of day and the discrepancy report; the campaign report to .xlsx or PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.aid import Campaign, Item
from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.domain.model import Role
from desktop.i18n import describe, tr
from desktop.printing import campaign_report
from desktop.services.aid import campaigns, stock
from desktop.services.aid import report as aid_report
from desktop.services.desk.desks import desk_names
from ui.aid.dialogs import campaign_label
from ui.changes import follow
from ui.desk_names import desk_label, desk_tip
from ui.files import in_documents
from ui.session.state import DeskSession
from ui.tables import read_only_rows
from ui.tasks import DbOp


class StockForm(QDialog):
    """One stock movement: item, quantity and what else the kind needs."""

    def __init__(self, kind: str, items: list[Item], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"stockForm_{kind}")
        self.setWindowTitle(tr(f"aid.ui.stock_{kind}"))
        self.setMinimumWidth(420)
        self.item = QComboBox()
        for item in items:
            self.item.addItem(f"{item.name}（{item.unit}）", item.id)
        self.quantity = QSpinBox()
        self.quantity.setRange(-100_000 if kind == "adjust" else 0, 100_000)
        self.quantity.setValue(0 if kind in ("adjust", "count") else 1)
        self.text = QLineEdit()
        self.text.setMaxLength(200)
        self.desk = QLineEdit()
        self.desk.setMaxLength(8)
        form = QFormLayout(self)
        if kind == "count":
            explain = QLabel(tr("aid.ui.count_explain"))
            explain.setWordWrap(True)
            form.addRow(explain)
        form.addRow(tr("aid.report.item"), self.item)
        form.addRow(tr(f"aid.ui.quantity_{kind}"), self.quantity)
        if kind == "transfer":
            form.addRow(tr("aid.ui.to_desk"), self.desk)
        if kind in ("receive", "transfer", "adjust"):
            form.addRow(tr(f"aid.ui.text_{kind}"), self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class StockScreen(QWidget):
    def __init__(self, session: DeskSession) -> None:
        super().__init__()
        self.setObjectName("stockScreen")
        self.session = session
        self.campaign: Campaign | None = None
        # Replaced in tests: how a movement's details and a report's file name are asked.
        self.ask_form = lambda form: form.exec() == QDialog.DialogCode.Accepted
        self.ask_report_path = self._ask_report_path
        self.tell: Callable[[str, str], object] = lambda title, text: QMessageBox.information(
            self, title, text
        )

        self.campaign_box = QComboBox()
        self.campaign_box.setObjectName("stockCampaign")
        self.campaign_box.currentIndexChanged.connect(self._campaign_changed)
        self.levels = QTableWidget(0, 5)
        self.levels.setObjectName("stockLevels")
        self.levels.setHorizontalHeaderLabels(
            [
                tr("aid.report.item"),
                tr("aid.ui.col_stocked"),
                tr("aid.report.handed_out"),
                tr("aid.ui.col_today"),
                tr("aid.report.left"),
            ]
        )
        # 入库净额 is the report's word; said in plain words on the header and under the table.
        stocked = QTableWidgetItem(tr("aid.ui.col_stocked"))
        stocked.setToolTip(tr("stock_words.stocked_tip"))
        self.levels.setHorizontalHeaderItem(1, stocked)
        read_only_rows(self.levels)
        self.levels.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.levels.setStyleSheet("font-size:16px;")
        self.counts = QTableWidget(0, 6)
        self.counts.setObjectName("stockCounts")
        self.counts.setHorizontalHeaderLabels(
            [
                tr("aid.report.day"),
                tr("aid.report.desk"),
                tr("aid.report.item"),
                tr("aid.report.counted"),
                tr("aid.report.expected"),
                tr("aid.report.difference"),
            ]
        )
        read_only_rows(self.counts)
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for kind in ("receive", "transfer", "adjust", "count"):
            button = QPushButton(tr(f"aid.ui.stock_{kind}"))
            button.setObjectName(f"stock_{kind}")
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _=False, k=kind: self.record(k))
            buttons.addWidget(button)
            self.buttons[kind] = button
        self.buttons["adjust"].setEnabled(session.can(Role.LEAD))
        self.buttons["count"].setToolTip(tr("stock_words.count_tip"))
        buttons.addStretch(1)
        for suffix in ("xlsx", "pdf"):
            button = QPushButton(tr(f"aid.ui.report_{suffix}"))
            button.setObjectName(f"report_{suffix}")
            button.clicked.connect(lambda _=False, s=suffix: self.export(s))
            buttons.addWidget(button)

        head = QHBoxLayout()
        head.addWidget(QLabel(tr("aid.ui.campaign")))
        head.addWidget(self.campaign_box, 1)
        self.desk_label = QLabel()
        head.addWidget(self.desk_label)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(QLabel(tr("aid.ui.levels_title")))
        layout.addWidget(self.levels, 2)
        self.levels_hint = QLabel(tr("stock_words.levels_hint"))
        self.levels_hint.setObjectName("stockLevelsHint")
        self.levels_hint.setStyleSheet("QLabel#stockLevelsHint { color:#546e7a; }")
        layout.addWidget(self.levels_hint)
        layout.addLayout(buttons)
        counts_title = QLabel(tr("aid.report.sheet_counts"))
        counts_title.setToolTip(tr("stock_words.counts_hint"))
        layout.addWidget(counts_title)
        layout.addWidget(self.counts, 1)
        self.reload_campaigns()
        # Handouts at the desk, campaigns made there, and what sync pulled in.
        follow(session.changes, self, lambda c: c.aid, self.reload_campaigns)

    def reload_campaigns(self) -> None:
        current = self.campaign.id if self.campaign else None
        found = campaigns.list_campaigns(
            self.session.desk.uow(), station_id=self.session.ctx().station_id
        )
        self.campaign_box.blockSignals(True)
        self.campaign_box.clear()
        for campaign in found:
            self.campaign_box.addItem(campaign_label(campaign), campaign.id)
        self.campaign_box.blockSignals(False)
        ids = [c.id for c in found]
        self.campaign_box.setCurrentIndex(ids.index(current) if current in ids else 0)
        self._campaign_changed()

    def _campaign_changed(self, _index: int = -1) -> None:
        campaign_id = self.campaign_box.currentData()
        self.campaign = (
            campaigns.find_campaign(self.session.desk.uow(), campaign_id) if campaign_id else None
        )
        self.refresh()

    def refresh(self) -> None:
        uow = self.session.desk.uow
        self.desk_label.setText(tr("stock_words.own_desk", desk=stock.own_desk(uow())))
        if self.campaign is None:
            self.levels.setRowCount(0)
            self.counts.setRowCount(0)
            return
        levels = stock.levels(uow(), self.campaign.id)
        self.levels.setRowCount(len(levels))
        for row, level in enumerate(levels):
            cells = [
                f"{level.item_name}（{level.unit}）",
                str(level.moved_in),
                str(level.handed_out),
                str(level.handed_out_today),
                str(level.left),
            ]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 4 and level.left <= 0:
                    item.setForeground(Qt.GlobalColor.red)
                self.levels.setItem(row, column, item)
        counts = stock.discrepancies(uow(), self.campaign.id, "*")
        names = desk_names(uow(), (c.desk for c in counts))
        self.counts.setRowCount(len(counts))
        for row, c in enumerate(counts):
            cells = [c.local_date, desk_label(c.desk, names), c.item_name]
            cells += [str(c.counted), str(c.expected)]
            cells.append(f"{c.difference:+d}" if c.difference else "0")
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 1:
                    item.setToolTip(desk_tip(c.desk))
                if column == 5 and c.difference:
                    item.setForeground(Qt.GlobalColor.red)
                self.counts.setItem(row, column, item)

    def record(self, kind: str) -> None:
        if self.campaign is None:
            return
        form = StockForm(kind, campaigns.list_items(self.session.desk.uow()), self)
        if not self.ask_form(form):
            return
        campaign_id, item_id = self.campaign.id, str(form.item.currentData())
        quantity, text, desk = form.quantity.value(), form.text.text(), form.desk.text()
        uow, ctx = self.session.desk.uow(), self.session.ctx()
        if kind == "receive":
            op = DbOp(self, lambda: stock.receive(campaign_id, item_id, quantity, uow, ctx, text))
        elif kind == "transfer":
            op = DbOp(
                self,
                lambda: stock.transfer(campaign_id, item_id, quantity, desk, uow, ctx, text),
            )
        elif kind == "adjust":
            op = DbOp(self, lambda: stock.adjust(campaign_id, item_id, quantity, text, uow, ctx))
        else:
            op = DbOp(self, lambda: stock.count(campaign_id, item_id, quantity, uow, ctx))
        op.publish(self.session.changes, Changes(aid=True, outbox=True))
        op.success(lambda result: self._moved(kind, result)).failure(self._failed).run()

    def _moved(self, kind: str, result: object) -> None:
        self.refresh()
        if isinstance(result, stock.CountResult):
            key = "aid.cli.count_matches" if result.difference == 0 else "aid.cli.count_differs"
            self.tell(
                tr("aid.ui.stock_count"),
                tr(key, counted=result.counted, expected=result.expected, diff=result.difference),
            )

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, AppError):
            raise error
        self.tell(tr("aid.ui.not_saved"), describe(error))

    def _ask_report_path(self, suffix: str) -> str:
        assert self.campaign is not None
        name = f"{self.campaign.name}.{suffix}"
        path, _ = QFileDialog.getSaveFileName(
            self, tr(f"aid.ui.report_{suffix}"), in_documents(name)
        )
        return path

    def export(self, suffix: str) -> None:
        if self.campaign is None:
            return
        path = self.ask_report_path(suffix)
        if not path:
            return
        uow, campaign_id = self.session.desk.uow(), self.campaign.id

        def make() -> int:
            report = aid_report.campaign_report(uow, campaign_id)
            writer = campaign_report.report_pdf if suffix == "pdf" else campaign_report.report_xlsx
            data = writer(report)
            Path(path).write_bytes(data)
            return len(data)

        def saved(_size: int) -> None:
            self.tell(tr(f"aid.ui.report_{suffix}"), tr("aid.ui.saved_to", path=path))

        DbOp(self, make).success(saved).failure(self._failed).run()
