"""A card scanned anywhere in the window goes to a scan desk, never into the wrong field.

A USB scanner is a keyboard: its burst goes to whatever has the keyboard focus, on any tab.
This filter watches the keys the focused widget gets. The first key of a burst reaches that
widget as usual; every key that follows at scanner speed is held back. When Enter ends a
burst of a card's length, the held keys become a scan: the first key is taken back out of a
text field it went into, and the whole text is typed (with the keys' own times) into the
scan desk `target()` names, as if scanned there. A burst that turns out to be fast typing
(Enter too soon, another key, a pause) is handed to the widget it was meant for, in order.

While a dialog is open the scan waits and reaches the desk when the dialog closes: a visit
is not recorded behind a form someone is filling in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from ui.desk.search_box import BURST_MAX_GAP_S, BURST_MIN_CHARS, SearchBox, key_time

ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# A burst that stops without Enter is typing after all: hand its keys on after this long.
STALL_MS = int(BURST_MAX_GAP_S * 1000) * 3


@dataclass(frozen=True)
class _Key:
    key: int
    text: str
    at: float


class ScanRouter(QObject):
    def __init__(
        self,
        target: Callable[[], SearchBox | None],
        active: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        """`target`: the search field of the desk a scan goes to (the screen switched to
        first); `active`: whether anyone is on duty (a locked desk takes no scans)."""
        super().__init__(parent)
        self.target, self.active = target, active
        self._keys: list[_Key] = []
        self._widget: QWidget | None = None
        self._waiting: list[list[_Key]] = []  # scans made while a dialog was open
        self._replaying = False
        self._stall = QTimer(self)
        self._stall.setSingleShot(True)
        self._stall.setInterval(STALL_MS)
        self._stall.timeout.connect(self._hand_back)
        self._after_dialog = QTimer(self)
        self._after_dialog.setInterval(100)
        self._after_dialog.timeout.connect(self._deliver_waiting)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self._replaying
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(watched, QWidget)
            or watched is not QApplication.focusWidget()
            or isinstance(watched, SearchBox)  # a desk's own field tells scans itself
            or not self.active()
        ):
            return False
        assert isinstance(event, QKeyEvent)
        return self._key(watched, event)

    def _key(self, widget: QWidget, event: QKeyEvent) -> bool:
        text, at = event.text(), key_time(event)
        plain = not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if event.key() in ENTER and self._keys and widget is self._widget:
            if len(self._keys) >= BURST_MIN_CHARS:
                self._scanned(widget)
                return True
            self._hand_back()
            return False
        if not (text and text.isprintable() and plain):
            self._hand_back()
            return False
        follows = (
            bool(self._keys) and widget is self._widget and at - self._keys[-1].at < BURST_MAX_GAP_S
        )
        if not follows:
            self._hand_back()
            self._keys, self._widget = [_Key(event.key(), text, at)], widget
            return False  # the first key goes where it was typed
        self._keys.append(_Key(event.key(), text, at))
        self._stall.start()
        return True

    def _hand_back(self) -> None:
        """Not a scan: the keys held back reach the widget they were typed into, in order."""
        self._stall.stop()
        keys, widget = self._keys[1:], self._widget
        self._keys, self._widget = [], None
        if keys and widget is not None:
            self._type(widget, keys)

    def _scanned(self, widget: QWidget) -> None:
        self._stall.stop()
        keys, self._keys, self._widget = self._keys, [], None
        first = keys[0].text
        if isinstance(widget, QLineEdit) and widget.text()[: widget.cursorPosition()].endswith(
            first
        ):
            widget.backspace()  # the first key went into this field: take it back out
        if QApplication.activeModalWidget() is not None:
            self._waiting.append(keys)
            self._after_dialog.start()
            return
        self._deliver(keys)

    def _deliver_waiting(self) -> None:
        if QApplication.activeModalWidget() is not None:
            return
        self._after_dialog.stop()
        waiting, self._waiting = self._waiting, []
        for keys in waiting:
            self._deliver(keys)

    def _deliver(self, keys: list[_Key]) -> None:
        box = self.target()
        if box is None:
            return
        box.setFocus(Qt.FocusReason.OtherFocusReason)
        self._type(box, keys)
        self._type(box, [_Key(Qt.Key.Key_Return, "\r", keys[-1].at)])

    def _type(self, widget: QWidget, keys: list[_Key]) -> None:
        self._replaying = True
        try:
            for key in keys:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    event = QKeyEvent(kind, key.key, Qt.KeyboardModifier.NoModifier, key.text)
                    event.setTimestamp(max(1, round(key.at * 1000)))
                    QApplication.sendEvent(widget, event)
        finally:
            self._replaying = False

    @property
    def waiting(self) -> int:
        """Scans held until a dialog closes."""
        return len(self._waiting)
