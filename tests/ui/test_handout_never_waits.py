"""The handout desk never waits on the database's write lock on the GUI thread.

A card of a member registered at another station and not synced here yet needs a write of
its own (a card-only record under the member's id) before the person can be shown. Another
connection (a sync applying a pulled page) holds SQLite's write lock for two seconds while
such a card is scanned: the GUI thread keeps ticking (``Heartbeat``), and once the lock is
released the person is shown and handed out to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.domain.model import DeskContext
from desktop.services.cards import commands as cards
from desktop.services.members import queries as member_queries
from ui import tasks
from ui.aid.handout_screen import HandoutScreen
from ui.checkin.band import Tone
from ui.session.state import DeskSession

from .keys import type_text
from .test_aid_screens import _campaign, _kinds, _member
from .test_checkin_never_waits import GAP_BOUND_S, LOCK_HELD_S, Heartbeat, WriteLock


@pytest.fixture(autouse=True)
def threaded() -> Iterator[None]:
    tasks.set_synchronous(False)
    yield
    tasks.set_synchronous(True)


def test_a_card_of_a_member_not_on_this_desk_is_scanned_while_the_lock_is_held(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    desk = session.desk
    member = _member(session, ctx, "张三", "13800138000")
    _campaign(session, ctx)
    card = cards.card_to_print(member.id, desk.uow(), ctx, desk.keys).qr_text
    # As if registered at another station: its card is valid here, the member unknown.
    connection = sqlite3.connect(desk.paths.database, isolation_level=None)
    for table, column in (("member_search_key", "member_id"), ("member_revision", "member_id")):
        connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (member.id,))
    connection.execute("DELETE FROM member WHERE id = ?", (member.id,))
    connection.close()
    assert member_queries.member_rows(desk.uow(), [member.id]) == {}
    screen = HandoutScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    heartbeat = Heartbeat()

    heartbeat.start()
    with WriteLock(str(desk.paths.database), LOCK_HELD_S) as lock:
        qtbot.wait(100)
        type_text(qtbot, screen.search, card)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
        qtbot.wait(200)
        scanned_while_locked = not lock.released.is_set()
        qtbot.waitUntil(lock.released.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: _kinds(session).get("handout.recorded", 0) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=10_000)
    gaps = heartbeat.stop()

    assert scanned_while_locked
    assert gaps[-1] < GAP_BOUND_S, f"the GUI thread waited {gaps[-1] * 1000:.0f} ms"
    # The card-only record, under the member's own id.
    with sqlite3.connect(desk.paths.database) as connection:
        row = connection.execute("SELECT from_card FROM member WHERE id = ?", (member.id,))
        assert row.fetchall() == [(1,)]
    assert screen.band.tone is Tone.OK
