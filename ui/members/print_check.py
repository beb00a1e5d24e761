"""After a batch of cards went to the printer: did each come out right? The spoiled ones are
printed again at once, recorded as reprints with the reason "spoiled in a batch print"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.services.cards.printouts import CardPrintJob


class SpoiledCardsDialog(QDialog):
    """Every card of the job, unticked; the person ticks the ones that came out wrong."""

    def __init__(self, job: CardPrintJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spoiledCards")
        self.setWindowTitle(tr("print.check_title"))
        self.setMinimumSize(420, 360)
        self.cards = QListWidget()
        for card in job.cards:
            item = QListWidgetItem(f"{card.member.name}  {card.member.member_number}")
            item.setData(Qt.ItemDataRole.UserRole, card.member.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.cards.addItem(item)
        self.cards.itemActivated.connect(self._toggle)  # Enter or double-click ticks a card
        buttons = QDialogButtonBox()
        self.all_good = buttons.addButton(
            tr("print.check_all_good"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.reprint = buttons.addButton(
            tr("print.check_reprint"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.all_good.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        prompt = QLabel(tr("print.check_prompt", n=job.count))
        prompt.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.cards, 1)
        layout.addWidget(buttons)

    def _toggle(self, item: QListWidgetItem) -> None:
        ticked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked)

    def ticked(self) -> list[str]:
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.cards.item(row) for row in range(self.cards.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]


def ask_spoiled(job: CardPrintJob, parent: QWidget | None) -> list[str]:
    """The member ids of the cards to print again; none when everything came out right."""
    dialog = SpoiledCardsDialog(job, parent)
    return dialog.ticked() if dialog.exec() == QDialog.DialogCode.Accepted else []
