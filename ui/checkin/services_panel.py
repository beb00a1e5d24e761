"""Toggle buttons for the services a visitor used; number keys toggle them."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from desktop.i18n import tr
from resources import icon_path

COLUMNS = 6
KEYS = "1234567890-="  # the top row of the keyboard, left to right


class ServicesPanel(QWidget):
    def __init__(self, offered: tuple[str, ...], defaults: tuple[str, ...]) -> None:
        super().__init__()
        self.setObjectName("servicesPanel")
        self.defaults = tuple(s for s in defaults if s in offered)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, service in enumerate(offered):
            key = KEYS[i] if i < len(KEYS) else ""
            label = tr("service." + service)
            button = QPushButton(f"{key}  {label}" if key else label)
            button.setCheckable(True)
            button.setObjectName(f"service_{service}")
            button.setMinimumHeight(38)
            icon = icon_path(service)
            if icon.exists():
                button.setIcon(QIcon(str(icon)))
                button.setIconSize(QSize(20, 20))
            button.setStyleSheet(
                "QPushButton { text-align:left; padding:4px 8px; border:1px solid #b0bec5;"
                " border-radius:4px; background:#ffffff; }"
                "QPushButton:checked { background:#c8e6c9; border:2px solid #2e7d32;"
                " font-weight:bold; }"
            )
            self.buttons[service] = button
            grid.addWidget(button, i // COLUMNS, i % COLUMNS)
        self.reset()

    def reset(self) -> None:
        for service, button in self.buttons.items():
            button.setChecked(service in self.defaults)

    def selected(self) -> tuple[str, ...]:
        return tuple(s for s, b in self.buttons.items() if b.isChecked())

    def binds(self, char: str) -> bool:
        """Whether ``char`` is the key of one of the services shown."""
        index = KEYS.find(char) if char else -1
        return 0 <= index < len(self.buttons)

    def toggle_key(self, char: str) -> bool:
        """Toggle the service bound to a number key; False when the key binds none."""
        index = KEYS.find(char)
        services = list(self.buttons)
        if index < 0 or index >= len(services):
            return False
        button = self.buttons[services[index]]
        button.setChecked(not button.isChecked())
        return True
