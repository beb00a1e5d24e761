"""The changes bus: the one Qt adapter through which every write made at the desk tells the
rest of the window what changed (Electrum's ``qt_event_listener``, Anki's ``OpChanges``).

Writes publish a ``desktop.domain.changes.Changes`` value, usually by
``DbOp(...).publish(session.changes, Changes(visits=True, outbox=True))``. The shell nudges
sync when the outbox grew; each screen that shows such records follows the bus with
``follow()`` and decides whether to redraw. The screen that made a write redraws itself (it
knows best what to show), so followers skip changes that came from inside them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.domain.changes import Changes


class ChangesBus(QObject):
    changed = Signal(object, object)  # Changes, the object that made the write (or None)

    def publish(self, changes: Changes, origin: QObject | None = None) -> None:
        if changes:
            self.changed.emit(changes, origin)


def made_within(origin: object, widget: QObject) -> bool:
    """Whether ``origin`` is ``widget`` or one of its children (a dialog it opened)."""
    current = origin if isinstance(origin, QObject) else None
    try:
        while current is not None:
            if current is widget:
                return True
            current = current.parent()
    except RuntimeError:  # the origin was deleted meanwhile (a closed dialog)
        return False
    return False


class _Follower(QObject):
    def __init__(
        self,
        bus: ChangesBus,
        screen: QWidget,
        wanted: Callable[[Changes], bool],
        redraw: Callable[[], None],
    ) -> None:
        super().__init__(screen)  # goes with the screen, and so does its connection
        self.screen = screen
        self.wanted = wanted
        self.redraw = redraw
        self.stale = False
        bus.changed.connect(self._changed)
        screen.installEventFilter(self)

    def _changed(self, changes: Changes, origin: object) -> None:
        if not self.wanted(changes) or made_within(origin, self.screen):
            return
        if self.screen.isVisible():
            self.stale = False
            self.redraw()
        else:
            self.stale = True  # redrawn when next shown, not for every check-in meanwhile

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.screen and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self.redraw()
        return False


def follow(
    bus: ChangesBus,
    screen: QWidget,
    wanted: Callable[[Changes], bool],
    redraw: Callable[[], None],
) -> None:
    """Redraw ``screen`` after writes made elsewhere that ``wanted`` says it shows: at once
    while it is on view, otherwise the next time it is shown."""
    _Follower(bus, screen, wanted, redraw)
