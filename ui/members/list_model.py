"""The member list as a table model that stays smooth at 200,000 members.

The model holds only the ordered ids of what it shows. Rows are fetched a page at a time
(``member_queries.member_rows``) when the view first paints them and kept in a small LRU cache.
Loading the ids of all members takes a few hundred milliseconds at that size, so it runs
off the UI thread (``PoolOp``); a filter only reorders its matches by the loaded order.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from desktop.bootstrap import UnitOfWorkFactory
from desktop.domain.clock import from_iso, local_date
from desktop.domain.errors import InvalidInput
from desktop.domain.people import mask_phone
from desktop.i18n import tr
from desktop.services.members import queries as member_queries
from ui.tasks import PoolOp

log = logging.getLogger(__name__)

PAGE_SIZE = 200
CACHED_PAGES = 32
# member_queries.member_ids returns at most this many matches for a filter.
FILTER_CAP = member_queries.FILTER_LIMIT

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str  # message code
    sort: str | None  # key of member_queries.MEMBER_SORTS; None: not sortable
    width: int  # pixels at the default font, for a 1366-wide screen


COLUMNS: tuple[Column, ...] = (
    Column("members.col_number", "member_number", 135),
    Column("members.col_name", "name", 110),
    Column("members.col_phone", "phone", 120),
    Column("members.col_occupation", "occupation", 110),
    Column("members.col_employer", None, 150),
    Column("members.col_tags", None, 200),
    Column("members.col_status", "active", 80),
    Column("members.col_registered", "registered", 110),
)
DEFAULT_SORT_COLUMN = 7  # newest registrations first
STATUS_COLUMN = 6
_LONG_TEXT_COLUMNS = frozenset({4, 5})  # may be cut off: the tooltip shows all of it


@dataclass(frozen=True)
class _Order:
    """All member ids in one sort order, with each id's position for ordering matches."""

    sort: str
    descending: bool
    ids: list[str]
    rank: dict[str, int] = field(default_factory=dict)

    def ranked(self, matches: list[str]) -> list[str]:
        rank = self.rank or {member_id: i for i, member_id in enumerate(self.ids)}
        # Members registered since the load are not ranked yet: they go last.
        return sorted(matches, key=lambda member_id: rank.get(member_id, len(rank)))


@dataclass(frozen=True)
class _Loaded:
    order: _Order
    ids: list[str]


def _load(
    uow: UnitOfWorkFactory, sort: str, descending: bool, typed: str, known: _Order | None
) -> _Loaded:
    """Worker-side: the ids to show. Reuses ``known`` when it is in the wanted order."""
    order = known
    if order is None or (order.sort, order.descending) != (sort, descending):
        order = _Order(sort, descending, member_queries.member_ids(uow(), sort, descending))
    if not typed.strip():
        return _Loaded(order, order.ids)
    if not order.rank:
        order = _Order(sort, descending, order.ids, {m: i for i, m in enumerate(order.ids)})
    return _Loaded(order, order.ranked(member_queries.member_ids(uow(), typed=typed)))


def _cell(row: member_queries.MemberRow, column: int) -> str:
    if column == 0:
        return row.member_number
    if column == 1:
        return row.name
    if column == 2:
        return _masked(row.phone)
    if column == 3:
        return row.occupation
    if column == 4:
        return row.employer
    if column == 5:
        return tr("members.tag_separator").join(row.tags)
    if column == STATUS_COLUMN:
        return tr("members.status_active" if row.active else "members.status_inactive")
    return _local_day(row.registered_at)


def _masked(phone: str | None) -> str:
    if not phone:
        return ""
    try:
        return mask_phone(phone)
    except InvalidInput:
        return ""  # never show an unmaskable number in the clear


def _local_day(moment: str) -> str:
    try:
        return local_date(from_iso(moment))
    except ValueError:
        return moment[:10]


class MemberListModel(QAbstractTableModel):
    """Members in display order; ``modelReset`` fires when a new id list is in place."""

    def __init__(self, uow: UnitOfWorkFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._uow = uow
        self._ids: list[str] = []
        self._order: _Order | None = None
        self._pages: OrderedDict[int, dict[str, member_queries.MemberRow]] = OrderedDict()
        sort_key = COLUMNS[DEFAULT_SORT_COLUMN].sort
        assert sort_key is not None
        self._sort: str = sort_key
        self._descending = True
        self._typed = ""
        self._generation = 0
        self.loading = False

    # --- what the screen asks -----------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._typed

    @property
    def sort_key(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def total(self) -> int:
        """How many members there are in all (0 until the first load is in)."""
        return len(self._order.ids) if self._order else 0

    @property
    def truncated(self) -> bool:
        """Whether a filter matched more members than it shows."""
        return bool(self._typed.strip()) and len(self._ids) >= FILTER_CAP

    def member_id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, member_id: str) -> int | None:
        try:
            return self._ids.index(member_id)
        except ValueError:
            return None

    def member_at(self, row: int) -> member_queries.MemberRow | None:
        member_id = self.member_id_at(row)
        if member_id is None:
            return None
        return self._page(row // PAGE_SIZE).get(member_id)

    # --- loading --------------------------------------------------------------------------

    def refresh(self, filter_text: str | None = None) -> None:
        """Reload everything from the database (after a registration, an import, a pull).

        ``filter_text`` replaces the filter in the same reload.
        """
        if filter_text is not None:
            self._typed = filter_text
        self._order = None
        self._reload()

    def set_filter(self, text: str) -> None:
        if text == self._typed:
            return
        self._typed = text
        self._reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].sort
        if key is None:
            return  # the screen puts the header's indicator back
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending):
            return  # also when a view turns sorting on: the first load is refresh()'s
        self._sort, self._descending = key, descending
        self._reload()

    def sort_column(self) -> int:
        return next(i for i, c in enumerate(COLUMNS) if c.sort == self._sort)

    def reload_member(self, member_id: str) -> None:
        """Fetch one member's row again (after an edit or a deactivation), in place."""
        row = self.row_of(member_id)
        if row is None:
            return
        self._pages.pop(row // PAGE_SIZE, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True
        sort, descending, typed, known = self._sort, self._descending, self._typed, self._order

        def work() -> _Loaded | None:
            if generation != self._generation:
                return None  # superseded while it waited for a worker: skip the query
            return _load(self._uow, sort, descending, typed, known)

        op = PoolOp(self, work)
        op.success(lambda loaded: self._apply(generation, loaded))
        op.failure(lambda error: self._failed(generation, error))
        op.run()

    def _apply(self, generation: int, loaded: _Loaded | None) -> None:
        if generation != self._generation or loaded is None:
            return  # a newer request (another keystroke, another sort) has started
        self.beginResetModel()
        self._order = loaded.order
        self._ids = loaded.ids
        self._pages.clear()
        self.loading = False
        self.endResetModel()

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self.loading = False
        from ui.errors import show_error

        show_error(QApplication.activeWindow(), error)

    def _page(self, page: int) -> dict[str, member_queries.MemberRow]:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        try:
            rows = member_queries.member_rows(self._uow(), ids)
        except Exception:
            log.exception("could not read member rows %d..", page * PAGE_SIZE)
            return {}
        self._pages[page] = rows
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows

    # --- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section].title)
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].sort is not None:
            return tr("members.sort_hint")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.member_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in _LONG_TEXT_COLUMNS:
            return _cell(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
