"""A station lead resolves a conflict: a note, and for a possible duplicate member, which
record to keep (the other is merged into it; every visit is kept) or "different people"."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.clock import shown
from desktop.i18n import tr
from desktop.services.sync.commands import Conflict, ConflictSide
from sync.protocol import ConflictKind


def side_text(side: ConflictSide) -> str:
    name = str(side.summary.get("name") or side.entity_id[:8])
    extra = " ".join(
        str(side.summary[key]) for key in ("member_number", "phone") if side.summary.get(key)
    )
    return tr(
        "conflict.side",
        name=f"{name} {extra}".strip(),
        station=side.station_name or "-",
        device=side.device_code or "-",
        operator=side.operator_name or "-",
        time=shown(side.device_time),
    )


class ResolveDialog(QDialog):
    def __init__(self, conflict: Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle(tr("sync_screen.resolve_title"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        about = tr("conflict.about", person=conflict.person) if conflict.person else ""
        heading = QLabel(tr("conflict.kind." + conflict.kind) + about)
        heading.setStyleSheet("font-size:16px; font-weight:bold;")
        layout.addWidget(heading)
        for side in conflict.sides:
            label = QLabel("• " + side_text(side))
            label.setWordWrap(True)
            layout.addWidget(label)
        self.choices = QButtonGroup(self)
        self.keep: list[str | None] = []
        members = conflict.detail.get("members", [])
        if conflict.kind == ConflictKind.DUPLICATE_MEMBER and len(members) == 2:
            layout.addWidget(QLabel(tr("sync_screen.merge_question")))
            for side in conflict.sides:
                button = QRadioButton(
                    tr(
                        "sync_screen.keep",
                        name=str(side.summary.get("name") or ""),
                        station=side.station_name or "-",
                    )
                )
                self.choices.addButton(button, len(self.keep))
                self.keep.append(side.entity_id)
                layout.addWidget(button)
            different = QRadioButton(tr("sync_screen.different_people"))
            self.choices.addButton(different, len(self.keep))
            self.keep.append(None)
            layout.addWidget(different)
            different.setChecked(True)
        layout.addWidget(QLabel(tr("sync_screen.note")))
        self.note = QLineEdit()
        self.note.setObjectName("conflictNote")
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(tr("sync_screen.note_placeholder"))
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("sync_screen.resolve"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def merge_into(self) -> str | None:
        if not self.keep:
            return None
        return self.keep[self.choices.checkedId()] if self.choices.checkedId() >= 0 else None
