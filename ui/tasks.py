"""Background work for screens, in the manner of Anki's CollectionOp.

    DbOp(parent, lambda: services.check_in(cmd, desk.uow(), ctx)).success(show).run()

A write says what it changed: ``.publish(session.changes, Changes(visits=True, outbox=True))``
hands that value to the changes bus once the work succeeded, before the success callback
(which may open a print preview and wait), so the shell and other screens learn of it at once.

Database writes run one at a time on a single worker thread; network and PDF work on a
pool. Results come back to the main thread by a queued signal; only frozen DTOs cross.
Tests call ``set_synchronous(True)`` so work runs inline (Picard's FakeThreadPool idea).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.domain.changes import Changes
from desktop.domain.errors import AppError
from desktop.services.desk import waiting as turns
from desktop.services.desk.faults import as_expected
from ui.changes import ChangesBus

log = logging.getLogger(__name__)

_db_worker: Executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
_pool: Executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="work")
_synchronous = False
# Operations under way: held here so nothing is collected before its result arrives.
_pending: set[_Op] = set()


def set_synchronous(value: bool) -> None:
    global _synchronous
    _synchronous = value


class _Relay(QObject):
    done = Signal(object, object)  # result, error


class _Op:
    executor: Callable[[], Executor]

    def __init__(self, parent: QObject | None, fn: Callable[[], Any]) -> None:
        self._parent = parent
        self._fn = fn
        self._success: Callable[[Any], object] | None = None
        self._failure: Callable[[Exception], None] | None = None
        self._bus: ChangesBus | None = None
        self._changes: Changes | Callable[[Any], Changes] = Changes()
        self._urgent = False

    def success(self, callback: Callable[[Any], object]) -> _Op:
        self._success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> _Op:
        self._failure = callback
        return self

    def publish(self, bus: ChangesBus, changes: Changes | Callable[[Any], Changes]) -> _Op:
        """On success, tell the bus what changed: a value, or one made from the result."""
        self._bus = bus
        self._changes = changes
        return self

    def urgent(self) -> _Op:
        """A person at the desk waits for this result (a scan's check-in): bulk work of a
        sync in this process pauses from now until the callbacks have run (it gives way at
        its next slice; see ``desktop.services.desk.waiting``). Not for work whose callback waits
        on a person (a dialog): the sync would wait with it."""
        self._urgent = True
        return self

    def run(self) -> None:
        if self._urgent:
            turns.desk_work_began()
        if _synchronous:
            try:
                result = self._fn()
            except Exception as error:
                self._finish(None, as_expected(error))
            else:
                self._finish(result, None)
            return
        relay = _Relay()  # created here, so it lives in the main thread: delivery is queued
        relay.done.connect(self._finish)
        self._relay = relay
        _pending.add(self)

        def work() -> None:
            try:
                result = self._fn()
            except Exception as error:
                relay.done.emit(None, as_expected(error))
            else:
                relay.done.emit(result, None)

        type(self).executor().submit(work)

    def _finish(self, result: Any, error: Exception | None) -> None:
        try:
            self._report(result, error)
        finally:
            if self._urgent:
                turns.desk_work_ended()

    def _report(self, result: Any, error: Exception | None) -> None:
        _pending.discard(self)
        relay = getattr(self, "_relay", None)
        if relay is not None:
            # Deleted by the main thread's event loop, not wherever its last reference drops.
            relay.deleteLater()
            del self._relay
        if error is None:
            if self._bus is not None:
                changes = self._changes
                self._bus.publish(
                    changes if isinstance(changes, Changes) else changes(result), self._parent
                )
            if self._success:
                self._success(result)
            return
        if self._failure:
            self._failure(error)
            return
        from ui.errors import show_error

        show_error(self._parent, error)


class DbOp(_Op):
    """Work on the local database: serialised on the one database worker."""

    executor = staticmethod(lambda: _db_worker)


class PoolOp(_Op):
    """Network, PDF and other slow work that does not write the database."""

    executor = staticmethod(lambda: _pool)


def pending() -> int:
    """How many operations are still running (the window waits for them before closing)."""
    return len(_pending)


def is_expected(error: Exception) -> bool:
    return isinstance(error, AppError)
