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

    # Nobody waiting: a page is one transaction, as before (however long it takes here).
    monkeypatch.setattr(syncing, "BUSY_TRANSACTION_S", 3600.0)
    commits.clear()
    more = [_registered(i) for i in range(len(page) + 1, len(page) + 301)]
    syncing.apply_page(desk.uow(), "members", more, "cursor-3", durable=False)
    assert len(commits) == 1

    # Nobody waiting at a desk used lately: a transaction lasts BUSY_TRANSACTION_S at most
    # (here none: a slice each), the commit the next scan would wait for stays short.
    monkeypatch.setattr(syncing, "BUSY_TRANSACTION_S", 0.0)
    commits.clear()
    last = [_registered(i) for i in range(401, 401 + 2 * syncing.PAGE_SLICE)]
    syncing.apply_page(desk.uow(), "members", last, "cursor-4", durable=False)
    assert len(commits) == 2
    assert syncing.cursor(desk.uow(), "members") == "cursor-4"


def _wal_pages(desk: Desk) -> int:
    return desk.paths.database.with_name(desk.paths.database.name + "-wal").stat().st_size // 4096


def _write_pages(desk: Desk, transactions: int, pages: int = 300) -> None:
    from sqlalchemy import text

    for _ in range(transactions):
        with desk.engine.begin() as connection:
            connection.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :k) "
                    "INSERT INTO scratch SELECT randomblob(3500) FROM n"
                ),
                {"k": pages},
            )


def test_while_a_pull_holds_checkpoints_no_commit_does_one_and_the_pull_does_it_after(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite checkpoints at the commit that takes the WAL past 1,000 pages: a pull's
    transaction (which the desk's next scan waits for) or the scan's own commit would pay
    for copying the pull's pages into the file. Held, commits leave the WAL to grow; the pull
    checkpoints between its transactions when one is due, and once more at its end."""
    from sqlalchemy import text

    from desktop.storage import database

    with desk.engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (x BLOB)"))
    monkeypatch.setattr(database, "CHECKPOINT_EVERY_S", 3600.0)
    with database.checkpoints_held(desk.engine):
        _write_pages(desk, 10)  # 3,000 pages in ten commits
        held = _wal_pages(desk)
        assert held > 3000  # no commit checkpointed: the WAL kept every page
        database.checkpoint_if_due(desk.engine)  # not due yet
        _write_pages(desk, 1)
        grown = _wal_pages(desk)
        assert grown > held
    # The pull's last checkpoint took every page into the file: the next commit writes the
    # WAL again from its start instead of adding to its end.
    _write_pages(desk, 1)
    assert _wal_pages(desk) == grown
    # Held no more: commits checkpoint as before, the WAL is used again from its start.
    _write_pages(desk, 15)
    assert _wal_pages(desk) == grown

    monkeypatch.setattr(database, "CHECKPOINT_EVERY_S", 0.0)
    with database.checkpoints_held(desk.engine):
        _write_pages(desk, 20)
        longest = _wal_pages(desk)
        assert longest > grown
        database.checkpoint_if_due(desk.engine)  # due: the pull checkpoints between pages
        _write_pages(desk, 1)
        assert _wal_pages(desk) == longest
