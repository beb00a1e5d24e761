"""When to try again: capped exponential backoff with full jitter (never a thundering herd
of stations retrying in step after the server comes back)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base: float = 5.0  # seconds before the first retry (at most)
    cap: float = 300.0  # never wait longer than this
    interval: float = 60.0  # between syncs while all is well
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def succeeded(self) -> float:
        self.failures = 0
        return self.interval

    def failed(self) -> float:
        """Seconds to wait after one more failure in a row."""
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** min(self.failures - 1, 20))
        return self.rng.uniform(ceiling / 2, ceiling)

    def network_returned(self) -> float:
        """The network came back: try soon, whatever the count of failures."""
        self.failures = 0
        return self.rng.uniform(0.5, 3.0)
