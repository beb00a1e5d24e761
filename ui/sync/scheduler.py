"""Runs sync in the background: on a timer, soon after a burst of local writes, when the
network returns, and on demand. Never blocks the desk; failures back off with jitter.

The sync itself runs on a thread of its own: its HTTP waits on the network, and its local
writes are short transactions that take turns with the desk's own writer on SQLite's lock.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.bootstrap import Desk
from desktop.domain.changes import Changes
from desktop.services.sync import commands as syncing
from sync.client.backoff import Backoff
from sync.client.report import SyncReport
from ui.changes import ChangesBus

log = logging.getLogger(__name__)

AFTER_WRITES_MS = 5_000  # a burst of check-ins goes up this long after the last one

# What the events of each pulled dataset (sync.protocol.DATASETS) change, in the words the
# screens follow; a test checks that every dataset is here.
PULLED: dict[str, Changes] = {
    "keys": Changes(cards=True),  # device keys and revocations: which cards verify
    "members": Changes(members=True),
    "cards": Changes(cards=True),
    "certificates": Changes(cards=True),
    "conflicts": Changes(conflicts=True),
    "campaigns": Changes(aid=True),
    "handouts": Changes(aid=True),
    "courses": Changes(training=True),
    "attendance": Changes(training=True),
}


def pulled_changes(report: SyncReport) -> Changes:
    """What a sync brought in (never the outbox: pulled events are not pushed back)."""
    changes = Changes()
    for dataset, count in report.pulled.items():
        if count:
            changes |= PULLED.get(dataset, Changes())
    return changes


class _Relay(QObject):
    done = Signal(object)


class SyncScheduler(QObject):
    started = Signal()
    finished = Signal(object)  # SyncReport
    progress = Signal(str, int)

    def __init__(
        self, desk: Desk, parent: QObject | None = None, changes: ChangesBus | None = None
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.changes = changes  # where records a sync pulled in are announced
        self.backoff = Backoff()
        self.running = False
        self.again = False
        self.stopping = False
        self.cancel_requested = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync")
        self._relay = _Relay()
        self._relay.done.connect(self._done)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self._network: object | None = None

    def start(self) -> None:
        """Sync soon after start, then on the timer; follow the network if Qt can tell."""
        self.timer.start(2_000)
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if QNetworkInformation.loadDefaultBackend():
                info = QNetworkInformation.instance()
                info.reachabilityChanged.connect(self._reachability)
                self._network = info
        except (ImportError, RuntimeError):  # no backend on this platform: the timer does
            self._network = None

    def _reachability(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online:
            self.timer.start(int(self.backoff.network_returned() * 1000))

    def local_writes(self) -> None:
        """Something was recorded: push it soon (coalescing a burst into one sync)."""
        if not self.running and (
            not self.timer.isActive() or self.timer.remainingTime() > AFTER_WRITES_MS
        ):
            self.timer.start(AFTER_WRITES_MS)

    def sync_now(self) -> None:
        if self.stopping:
            return
        if self.running:
            self.again = True
            return
        state = syncing.status(self.desk.uow())
        if not state.enrolled:
            self.timer.start(int(self.backoff.interval * 1000))
            return
        self.running = True
        self.cancel_requested = False
        self.started.emit()
        relay = self._relay

        def work() -> None:
            try:
                # The network client (httpx, the wire models) loads on the first sync, not
                # with the window (bench.startup).
                from sync.client.engine import sync_once

                report = sync_once(
                    self.desk,
                    progress=lambda phase, n: self.progress.emit(phase, n),
                    cancelled=lambda: self.stopping or self.cancel_requested,
                )
            except Exception as error:  # never let the sync thread die silently
                log.exception("sync failed")
                report = SyncReport(
                    error=syncing.SyncError("sync.error.unexpected", {"error": str(error)})
                )
            relay.done.emit(report)

        self._executor.submit(work)

    def _done(self, report: SyncReport) -> None:
        self.running = False
        state = syncing.status(self.desk.uow())
        if report.ok:
            wait = self.backoff.succeeded()
        elif state.stopped:
            wait = 0.0  # revoked or too old: only a person's "sync now" tries again
        else:
            wait = self.backoff.failed()
        if self.cancel_requested:
            self.cancel_requested = False
            self.again = False
            wait = self.backoff.interval  # not at once: the person asked it to stop
        if self.again:
            self.again = False
            wait = 0.5
        if wait:
            self.timer.start(int(wait * 1000))
        self.finished.emit(report)
        if self.changes is not None:
            self.changes.publish(pulled_changes(report), self)

    def cancel(self) -> None:
        """A person stops a long sync (a first pull of many members): it stops after the
        batch or page under way; what was done is kept and the rest comes next time."""
        if self.running:
            self.cancel_requested = True
            self.timer.stop()

    def stop(self) -> None:
        """At closing: a sync under way stops at its next batch or page (what it finished is
        kept; the rest goes next time)."""
        self.stopping = True
        self.timer.stop()
        self._executor.shutdown(wait=True, cancel_futures=True)
