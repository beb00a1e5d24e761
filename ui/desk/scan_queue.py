"""No scan is lost: a card scanned while the desk is still writing waits its turn.

A desk screen hands every scanned (or picked) person to `offer`; the queue runs it at once
when the desk is free, otherwise keeps it, in order, and runs it when the write ends
(`stop`, show the outcome, `next`; on success and on failure alike). The screen supplies
only what to do with the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ScanQueue(Generic[T]):
    def __init__(self, run: Callable[[T], None], ready: Callable[[], bool] = lambda: True) -> None:
        self._run = run
        self._ready = ready  # False while the desk waits on the person (e.g. a question asked)
        self._waiting: list[T] = []
        self.busy = False

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def offer(self, item: T, first: bool = False) -> None:
        """Run now if the desk is free, else keep it for when it is (`first`: ahead of all)."""
        if first:
            self._waiting.insert(0, item)
        else:
            self._waiting.append(item)
        self.next()

    def start(self) -> None:
        """A write began: what is offered from now on waits."""
        self.busy = True

    def stop(self) -> None:
        """The write ended (done or failed); the screen shows its outcome, then calls `next`."""
        self.busy = False

    def finish(self) -> None:
        """The write ended and nothing is left to show: run what waited."""
        self.stop()
        self.next()

    def next(self) -> None:
        """Run waiting items in order until one starts a write or the desk is not ready."""
        while self._waiting and not self.busy and self._ready():
            self._run(self._waiting.pop(0))
