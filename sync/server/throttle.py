"""Guessing enrolment codes and admin tokens, slowed down per client address.

Each wrong enrolment code or admin token counts against the address it came from; after
``LIMIT`` failures within ``WINDOW`` seconds that address is answered 429 "too many
attempts" for the rest of the window, right or wrong, and the refusal is logged. A success
does not clear the count: a guesser mixing in one valid code gains nothing.

Kept in the process's memory: each server process counts on its own (behind a load
balancer with N processes an address gets up to N x LIMIT tries a window). That still
turns a 12-character code (60 bits) or a 32-byte token from a guess into a lifetime.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)

LIMIT = 10
WINDOW = 600.0  # seconds
MAX_ADDRESSES = 100_000  # beyond this the oldest entries go: memory stays bounded


class Throttle:
    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        found = self._failures.get(key)
        if found is None:
            return deque()
        while found and now - found[0] > self.window:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    def blocked(self, what: str, address: str) -> bool:
        with self._lock:
            blocked = len(self._recent((what, address), self.clock())) >= self.limit
        if blocked:
            log.warning("too many wrong %s from %s: refused", what, address)
        return blocked

    def failed(self, what: str, address: str) -> None:
        with self._lock:
            now = self.clock()
            key = (what, address)
            recent = self._recent(key, now)
            if not recent:
                if len(self._failures) >= MAX_ADDRESSES:
                    self._failures.pop(next(iter(self._failures)))
                self._failures[key] = recent
            recent.append(now)
