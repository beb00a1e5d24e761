"""Turns at writing within this process: the desk's own writes go before a bulk writer.

SQLite lets one connection write at a time. A first pull applies hundreds of pages, each
in a transaction of its own, one after another: a check-in waiting on SQLite's busy timeout
polls for the lock (sleeping longer each time) and may find it taken again by the next
page every time it looks. Within one process the two can do better than polling:

- a unit of work that writes for the desk (``UnitOfWork`` by default) counts itself here
  from before it asks for the lock until it ends, and first waits for any bulk
  transaction to end;
- a bulk writer (``UnitOfWork.giving_way``: a pulled page) looks, between small slices of
  its work, whether a desk write is waiting (``desk_waiting``); if so it commits what it has
  and waits (``pause_for_desk``, sleeping, so without the GIL) until the desk's writes are
  done before it opens its next transaction.

A scan's check-in then waits for one slice of a page, not for pages. A person waiting at
the desk for a result (``desk_work_began``/``_ended``, around a check-in from the scan to
its band) pauses bulk work too, so that the pull's Python does not compete with the
screen and the database worker for the GIL meanwhile. Every wait here is
bounded: past it, SQLite's own lock and busy timeout decide as before (another process,
a CLI script on the same file, is not seen here at all).
"""

from __future__ import annotations

import threading
import time

_turns = threading.Condition()
_desk = 0  # desk writes under way: waiting for the lock, or writing
_bulk = 0  # bulk transactions open (a pull's page)
_desk_last = -1e9  # when the desk last wrote or worked (time.monotonic)

DESK_WAITS_S = 5.0  # at most, for a bulk transaction to end (it ends within one slice)
BULK_WAITS_S = 5.0  # at most, for desk writes to end before a bulk transaction


def desk_write_began() -> None:
    """A desk write is about to ask SQLite for the lock: bulk work gives way to it."""
    global _desk
    with _turns:
        _desk += 1
        _turns.wait_for(lambda: _bulk == 0, timeout=DESK_WAITS_S)


def desk_work_began() -> None:
    """A person waits at the desk for a result (never blocks: the GUI thread calls it)."""
    global _desk
    with _turns:
        _desk += 1


def desk_write_ended() -> None:
    global _desk, _desk_last
    with _turns:
        _desk -= 1
        _desk_last = time.monotonic()
        if _desk == 0:
            _turns.notify_all()


desk_work_ended = desk_write_ended


def bulk_began() -> None:
    """A bulk transaction is about to begin: after the desk writes under way."""
    global _bulk
    with _turns:
        _turns.wait_for(lambda: _desk == 0, timeout=BULK_WAITS_S)
        _bulk += 1


def bulk_ended() -> None:
    global _bulk
    with _turns:
        _bulk -= 1
        if _bulk == 0:
            _turns.notify_all()


def desk_in_use(within_s: float = 30.0) -> bool:
    """Whether the desk wrote lately (a queue at the desk): bulk work then takes small
    slices, each a short wait for the next scan; at a quiet desk, larger ones (faster)."""
    return _desk > 0 or time.monotonic() - _desk_last < within_s


def desk_waiting() -> bool:
    """Whether a desk write is under way (a bulk writer should end its transaction now)."""
    return _desk > 0


def pause_for_desk() -> None:
    """Outside any transaction: wait while desk writes are under way (CPU-heavy bulk work,
    such as checking a page's events, would otherwise compete with them for the GIL)."""
    if _desk == 0:
        return
    with _turns:
        _turns.wait_for(lambda: _desk == 0, timeout=BULK_WAITS_S)
