"""Two writers on one data folder (the desk window and a CLI script, say) at the same time."""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime
from pathlib import Path

from desktop.bootstrap import Desk, open_desk
from desktop.domain.clock import system_clock
from desktop.domain.model import DeskContext
from desktop.services.members import commands as members
from desktop.storage.uow import uow_factory

WRITERS = 2
EACH = 4


class MeetingClock:
    """The device clock, read once by each writer between its reads and its writes.

    The first reading waits (a little) until every writer has done its reads, so the
    writers overlap in a known way instead of by chance. A store that serialises writers
    keeps the others from getting that far; the wait then times out and they carry on.
    """

    def __init__(self, parties: int) -> None:
        self.meeting = threading.Barrier(parties)

    def __call__(self) -> datetime:
        with contextlib.suppress(threading.BrokenBarrierError):
            self.meeting.wait(timeout=1.0)
        return system_clock()


def test_two_desks_registering_at_once_both_succeed_with_distinct_numbers(
    home: Path, desk: Desk, ctx: DeskContext
) -> None:
    others = [open_desk(home) for _ in range(WRITERS)]
    clock = MeetingClock(WRITERS)
    failures: list[BaseException] = []

    def register(other: Desk, writer: int) -> None:
        factory = uow_factory(other.engine, clock=clock)
        for i in range(EACH):
            try:
                members.register_member(
                    members.MemberForm(name="测试" + "甲乙丙丁"[writer] + "一二三四"[i]),
                    factory(),
                    ctx,
                )
            except Exception as error:  # anything but success is the failure reported
                failures.append(error)

    threads = [threading.Thread(target=register, args=(other, n)) for n, other in enumerate(others)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in others:
        other.close()

    assert failures == []
    with desk.engine.connect() as connection:
        numbers = connection.exec_driver_sql("SELECT member_number FROM member").scalars().all()
    device = desk.device()
    assert device is not None
    assert sorted(numbers) == [f"{device.code}-{n:04d}" for n in range(1, WRITERS * EACH + 1)]
