"""A station lead creates a campaign at the desk: dates, default package, eligibility, rules
(and what the desk does when its stock runs short)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.domain.aid import PROOFS, Campaign, Item
from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.i18n import describe, tr
from desktop.services.aid import campaigns
from desktop.services.desk.settings import read_settings
from ui.files import desk_qdate
from ui.session.state import DeskSession
from ui.tasks import DbOp

PACKAGE_ROWS = 4
AID = Changes(aid=True, outbox=True)


class CampaignDialog(QDialog):
    """``exec()``, then ``created`` holds the campaign saved."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.created: Campaign | None = None
        self.setObjectName("campaignDialog")
        self.setWindowTitle(tr("aid.ui.new_campaign"))
        self.setMinimumWidth(640)
        settings = read_settings(session.desk.uow())

        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.name.setPlaceholderText("夏送清凉 2026")
        today = desk_qdate()
        self.starts = QDateEdit(today)
        self.ends = QDateEdit(today.addMonths(1))
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")

        self.package = QGridLayout()
        self.item_boxes: list[QComboBox] = []
        self.quantities: list[QSpinBox] = []
        for row in range(PACKAGE_ROWS):
            box = QComboBox()
            quantity = QSpinBox()
            quantity.setRange(0, 1000)
            quantity.setValue(1 if row == 0 else 0)
            self.package.addWidget(box, row, 0)
            self.package.addWidget(quantity, row, 1)
            self.item_boxes.append(box)
            self.quantities.append(quantity)
        self.new_item_name = QLineEdit()
        self.new_item_name.setPlaceholderText(tr("aid.ui.new_item_name"))
        self.new_item_unit = QLineEdit()
        self.new_item_unit.setPlaceholderText(tr("aid.ui.new_item_unit"))
        self.new_item_unit.setMaximumWidth(90)
        add_item = QPushButton(tr("aid.ui.add_item"))
        add_item.clicked.connect(self.add_item)
        new_item = QHBoxLayout()
        new_item.addWidget(self.new_item_name, 1)
        new_item.addWidget(self.new_item_unit)
        new_item.addWidget(add_item)
        self.package.addLayout(new_item, PACKAGE_ROWS, 0, 1, 2)
        self.reload_items()

        self.max_per_person = self._spin(1)
        self.min_interval_hours = self._spin(0)
        self.max_per_day = self._spin(0)
        self.tags = [QCheckBox(tag) for tag in settings.tags]
        self.occupations = [QCheckBox(o) for o in settings.occupations]
        self.others = [
            (QCheckBox(c.name), c.id) for c in campaigns.list_campaigns(session.desk.uow())
        ]
        self.this_station_only = QCheckBox(tr("aid.ui.this_station_only"))
        self.proof = QComboBox()
        for proof in PROOFS:
            self.proof.addItem(tr(f"aid.ui.proof_{proof}"), proof)
        # The default asks (orange band, Enter); a campaign can refuse instead (red band).
        self.when_out = QComboBox()
        self.when_out.setObjectName("whenOut")
        self.when_out.addItem(tr("aid.ui.when_out_ask"), False)
        self.when_out.addItem(tr("aid.ui.when_out_refuse"), True)
        self.problem = QLabel()
        self.problem.setStyleSheet("color:#c62828;")
        self.problem.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow(tr("aid.ui.campaign_name"), self.name)
        dates = QHBoxLayout()
        dates.addWidget(self.starts)
        dates.addWidget(QLabel("~"))
        dates.addWidget(self.ends)
        form.addRow(tr("aid.ui.dates"), dates)
        form.addRow(tr("aid.ui.package"), self.package)
        form.addRow(tr("aid.ui.max_per_person"), self.max_per_person)
        form.addRow(tr("aid.ui.min_interval_hours"), self.min_interval_hours)
        form.addRow(tr("aid.ui.max_per_day"), self.max_per_day)
        form.addRow(tr("aid.ui.eligible_tags"), self._row(self.tags))
        form.addRow(tr("aid.ui.eligible_occupations"), self._row(self.occupations))
        if self.others:
            form.addRow(tr("aid.ui.not_combinable"), self._row([b for b, _ in self.others]))
        form.addRow(tr("aid.ui.stations"), self.this_station_only)
        form.addRow(tr("aid.ui.proof"), self.proof)
        form.addRow(tr("aid.ui.when_out"), self.when_out)
        form.addRow(QLabel(tr("aid.ui.rules_hint")))
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _spin(value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, 10_000)
        spin.setValue(value)
        spin.setSpecialValueText(tr("aid.ui.no_limit"))
        return spin

    @staticmethod
    def _row(boxes: list[QCheckBox]) -> QWidget:
        holder = QWidget()
        layout = QGridLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, box in enumerate(boxes):
            layout.addWidget(box, index // 4, index % 4)
        return holder

    def reload_items(self) -> None:
        items = campaigns.list_items(self.session.desk.uow())
        for box in self.item_boxes:
            chosen = box.currentData()
            box.clear()
            box.addItem("—", "")
            for item in items:
                box.addItem(f"{item.name}（{item.unit}）", item.id)
            index = box.findData(chosen)
            box.setCurrentIndex(max(0, index))

    def add_item(self) -> None:
        name, unit = self.new_item_name.text(), self.new_item_unit.text()
        uow, ctx = self.session.desk.uow(), self.session.ctx()
        DbOp(self, lambda: campaigns.create_item(name, unit, uow, ctx)).publish(
            self.session.changes, AID
        ).success(self._item_added).failure(self._failed).run()

    def _item_added(self, item: Item) -> None:
        self.new_item_name.clear()
        self.new_item_unit.clear()
        self.reload_items()
        for box in self.item_boxes:
            if not box.currentData():
                box.setCurrentIndex(box.findData(item.id))
                break
        self.problem.clear()

    def form(self) -> campaigns.CampaignForm:
        def optional(spin: QSpinBox) -> int | None:
            return spin.value() or None

        package = tuple(
            (str(box.currentData()), quantity.value())
            for box, quantity in zip(self.item_boxes, self.quantities, strict=True)
            if box.currentData() and quantity.value()
        )
        hours = self.min_interval_hours.value()
        return campaigns.CampaignForm(
            name=self.name.text(),
            starts_on=self.starts.date().toString("yyyy-MM-dd"),
            ends_on=self.ends.date().toString("yyyy-MM-dd"),
            package=package,
            tags=tuple(b.text() for b in self.tags if b.isChecked()),
            occupations=tuple(b.text() for b in self.occupations if b.isChecked()),
            max_per_person=optional(self.max_per_person),
            min_interval_minutes=hours * 60 if hours else None,
            max_per_day=optional(self.max_per_day),
            not_combinable_with=tuple(i for b, i in self.others if b.isChecked()),
            proof=str(self.proof.currentData()),
            stations=(self.session.ctx().station_id,) if self.this_station_only.isChecked() else (),
            refuse_when_out=bool(self.when_out.currentData()),
        )

    def save(self) -> None:
        form, uow, ctx = self.form(), self.session.desk.uow(), self.session.ctx()
        DbOp(self, lambda: campaigns.create_campaign(form, uow, ctx)).publish(
            self.session.changes, AID
        ).success(self._saved).failure(self._failed).run()

    def _saved(self, campaign: Campaign) -> None:
        self.created = campaign
        self.accept()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, AppError):
            raise error
        self.problem.setText(describe(error))
