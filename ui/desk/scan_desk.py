"""The scan desk: one search field and one live result list, shared by every desk screen.

Check-in, the training door, handouts and course enrolment all start the same way: a USB
scanner types a card and Enter, or a person types a name, pinyin initials, a phone tail or a
member number and picks a row. This widget does that part once; the screen supplies what to
do with a scanned text (`on_scan`), with a person picked from the list (`on_pick`), and how to
say that nobody was found (`refuse`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import Member
from desktop.domain.people import mask_phone
from desktop.i18n import tr
from desktop.services.members import queries as member_queries
from ui.desk.search_box import SearchBox
from ui.session.state import DeskSession
from ui.tables import read_only_rows, step_selection

# During a scanner burst, search once the burst pauses, not on each of its keys.
SEARCH_AFTER_BURST_MS = 60


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Member], str]


def name_column() -> Column:
    return Column(tr("checkin.col_name"), lambda m: m.name)


def number_column() -> Column:
    return Column(tr("checkin.col_number"), lambda m: m.member_number)


def phone_column() -> Column:
    return Column(tr("checkin.col_phone"), lambda m: mask_phone(m.phone) if m.phone else "")


def occupation_column() -> Column:
    return Column(tr("checkin.col_occupation"), lambda m: m.occupation)


class ScanDesk(QWidget):
    def __init__(
        self,
        session: DeskSession,
        *,
        name: str,
        placeholder: str,
        columns: Sequence[Column],
        on_scan: Callable[[str], None],
        on_pick: Callable[[Member], object],
        refuse: Callable[[str, str], None],
    ) -> None:
        super().__init__()
        self.session = session
        self.columns = tuple(columns)
        self.on_scan, self.on_pick, self.refuse = on_scan, on_pick, refuse
        self.hits: list[Member] = []

        self.search = SearchBox()
        self.search.setObjectName(name + "Search")
        self.search.setPlaceholderText(placeholder)
        self.search.setToolTip(placeholder)
        self.search.setMinimumHeight(48)
        self.search.setStyleSheet("font-size:22px; padding:4px 10px;")
        self.search.textChanged.connect(self._text_changed)
        self.search.submitted.connect(self.submit)
        self.search.navigate.connect(self.step)
        self._search_later = QTimer(self)
        self._search_later.setSingleShot(True)
        self._search_later.setInterval(SEARCH_AFTER_BURST_MS)
        self._search_later.timeout.connect(lambda: self.update_results(self.search.text()))

        self.results = QTableWidget(0, len(self.columns))
        self.results.setObjectName(name + "Results")
        self.results.setHorizontalHeaderLabels([c.title for c in self.columns])
        read_only_rows(self.results)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setStyleSheet("font-size:16px;")
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.results.cellDoubleClicked.connect(lambda row, _col: self.pick(row))

        # The screen adds its buttons beside the field and anything else under it.
        self.top = QHBoxLayout()
        self.top.addWidget(self.search, 1)
        layout = self.column = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top)
        layout.addWidget(self.results, 1)

    # --- searching ------------------------------------------------------------------------

    def focus(self) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        """An empty field and list (a question the screen asked keeps its keys)."""
        self.search.clear()
        self.update_results("")

    def _text_changed(self, text: str) -> None:
        if text and self.search.typing_fast():
            self._search_later.start()
        else:
            self._search_later.stop()
            self.update_results(text)

    def update_results(self, text: str) -> None:
        if self.search.capturing:  # the screen is asking about a person: the list stays
            return
        uow = self.session.desk.uow
        self.hits = member_queries.search_members(uow(), text) if text.strip() else []
        self.results.setRowCount(len(self.hits))
        for row, member in enumerate(self.hits):
            for column, spec in enumerate(self.columns):
                item = QTableWidgetItem(spec.value(member))
                if not member.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.results.setItem(row, column, item)
        if self.hits:
            self.results.selectRow(0)

    def step(self, step: int) -> None:
        step_selection(self.results, len(self.hits), step)

    def highlighted(self) -> int | None:
        """The row ↑/↓ chose (the first one until then), or None with no results."""
        if not self.hits:
            return None
        rows = self.results.selectionModel().selectedRows()
        return rows[0].row() if rows else 0

    # --- submitting -----------------------------------------------------------------------

    def submit(self, text: str, scanned: bool) -> None:
        """Enter: a scanned text goes to the screen as it is; typed text picks the row."""
        if self._search_later.isActive():
            self._search_later.stop()
            if not scanned:
                self.update_results(text)
        text = text.strip()
        if not text:
            return
        if scanned:
            self.search.clear()  # ready for the next card at once
            self.on_scan(text)
            return
        row = self.highlighted()
        if row is not None:
            self.pick(row)
            return
        self.refuse(tr("checkin.not_found_title"), tr("checkin.not_found_detail", text=text[:40]))

    def pick(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            self.on_pick(self.hits[row])
