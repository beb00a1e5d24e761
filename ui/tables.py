"""How every list of records on the desk behaves: whole rows, one at a time, read-only."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView


def read_only_rows(table: QTableView) -> None:
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)


def step_selection(table: QTableView, count: int, step: int) -> None:
    """Move the selected row by ``step`` (↑/↓ in a search's results), staying in the list."""
    if count <= 0:
        return
    rows = table.selectionModel().selectedRows()
    current = rows[0].row() if rows else -1
    table.selectRow(max(0, min(count - 1, current + step)))
