"""The training tab: the attendance desk at the door, and the courses behind it."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.i18n import tr
from ui.session.state import DeskSession
from ui.sound import Sounds
from ui.training.course_screen import CourseScreen
from ui.training.door_screen import DoorScreen


class TrainingScreen(QWidget):
    """Both pages follow the changes bus (ui.changes): marks at the door reach the courses
    page, courses made there reach the door."""

    def __init__(self, session: DeskSession, sounds: Sounds | None = None) -> None:
        super().__init__()
        self.setObjectName("trainingScreen")
        self.door = DoorScreen(session, sounds)
        self.courses = CourseScreen(session)
        self.pages = QTabWidget()
        self.pages.addTab(self.door, tr("training.tab_door"))
        self.pages.addTab(self.courses, tr("training.tab_courses"))
        self.courses.open_door.connect(self.show_door)
        self.pages.currentChanged.connect(self._page_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def show_door(self, session_id: str) -> None:
        self.door.open_session(session_id)
        self.pages.setCurrentWidget(self.door)
        self.door.focus_input()

    def _page_changed(self, _index: int) -> None:
        if self.pages.currentWidget() is self.door:
            self.door.focus_input()
