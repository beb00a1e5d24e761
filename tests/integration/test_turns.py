"""Turns at writing: a pull's page gives way to the desk's own writes (desktop.storage.turns)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext
from desktop.services.members import queries as member_queries
from desktop.services.sync import commands as syncing
from desktop.services.sync.replication import PulledEvent
from desktop.storage import turns
from desktop.storage.database import BUSY_TIMEOUT_MS

OTHER = "01a20000-0000-7000-8000-0000000000aa"


def _registered(i: int) -> PulledEvent:
    member_id = f"01a20000-0000-7000-8000-{i:012d}"
    return PulledEvent(
        server_seq=i,
        event_id=f"01a20000-1111-7000-8000-{i:012d}",
        kind="member.registered",
        entity_id=member_id,
        station_id=OTHER,
        device_id=OTHER,
        operator_id=None,
        device_time="2026-11-23T08:00:00.000000Z",
        received_at="2026-11-23T08:00:01.000000Z",
        payload={"member_number": f"OTHERS-{i:04d}", "name": "欧阳娜娜", "version": 1},
    )


def test_a_desk_write_goes_between_two_bulk_transactions(desk: Desk, ctx: DeskContext) -> None:
    order: list[str] = []
    bulk_open = threading.Event()

    def bulk() -> None:
        with desk.uow().giving_way() as uow:
            bulk_open.set()
            # Longer than SQLite's busy timeout: without turns the desk write below would
            # fail as "database is locked" before this transaction ended.
            deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000 * 2
            while not turns.desk_waiting() and time.monotonic() < deadline:
                time.sleep(0.001)  # a slice of work, then a look at the desk
            order.append("bulk slice")
            uow.commit()
        with desk.uow().giving_way() as uow:
            order.append("bulk next")
            uow.commit()

    worker = threading.Thread(target=bulk)
    worker.start()
    assert bulk_open.wait(5)
    with desk.uow() as uow:  # waits for the bulk slice, not for SQLite's busy timeout
        order.append("desk write")
        uow.commit()
    worker.join(10)
    assert order == ["bulk slice", "desk write", "bulk next"]


def test_a_page_applies_a_slice_per_transaction_while_a_person_waits_and_whole_in_the_end(
    desk: Desk, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turns, "BULK_WAITS_S", 0.05)  # the person below never stops waiting
    page = [_registered(i) for i in range(1, 3 * syncing.PAGE_SLICE + 2)]
    commits: list[int] = []
    event.listen(desk.engine, "commit", lambda _connection: commits.append(1))
    turns.desk_work_began()
    try:
        applied = syncing.apply_page(desk.uow(), "members", page, "cursor-2", durable=False)
    finally:
        turns.desk_work_ended()
    assert applied.applied == len(page)
    assert len(commits) == 4  # a slice each: three of rows, then the last event with the cursor
    assert syncing.cursor(desk.uow(), "members") == "cursor-2"
    assert len(member_queries.member_ids(desk.uow())) == len(page)

    # Nobody waiting: a page is one transaction, as before.
    commits.clear()
    more = [_registered(i) for i in range(len(page) + 1, len(page) + 301)]
    syncing.apply_page(desk.uow(), "members", more, "cursor-3", durable=False)
    assert len(commits) == 1
