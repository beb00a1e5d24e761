"""The scan desks' queue: what is offered while a write runs waits, in order; none is lost."""

from __future__ import annotations

from ui.desk.scan_queue import ScanQueue


def test_scans_offered_during_a_write_run_after_it_in_order() -> None:
    ran: list[str] = []
    queue: ScanQueue[str] = ScanQueue(lambda card: (ran.append(card), queue.start()))
    queue.offer("A")  # free: runs at once and starts a write
    queue.offer("B")
    queue.offer("C")
    assert ran == ["A"] and queue.waiting == 2
    queue.finish()  # A written: B runs (and starts its own write)
    assert ran == ["A", "B"] and queue.waiting == 1
    queue.finish()
    queue.finish()
    assert ran == ["A", "B", "C"] and queue.waiting == 0 and not queue.busy


def test_a_scan_refused_without_a_write_lets_the_next_one_run() -> None:
    ran: list[str] = []
    queue: ScanQueue[str] = ScanQueue(ran.append)  # an unknown card: shown, nothing written
    queue.start()
    queue.offer("unknown")
    queue.offer("B")
    queue.finish()
    assert ran == ["unknown", "B"]


def test_nothing_runs_while_the_desk_waits_on_the_person() -> None:
    ran: list[str] = []
    asking = [True]
    queue: ScanQueue[str] = ScanQueue(ran.append, ready=lambda: not asking[0])
    queue.offer("A")
    assert ran == [] and queue.waiting == 1
    asking[0] = False
    queue.next()
    assert ran == ["A"]
