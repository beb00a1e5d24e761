"""Retry timing: capped exponential backoff with jitter; soon again when the network returns."""

from __future__ import annotations

import random

from sync.client.backoff import Backoff


def test_waits_grow_are_capped_and_jittered() -> None:
    backoff = Backoff(base=5, cap=300, rng=random.Random(1))
    waits = [backoff.failed() for _ in range(12)]
    for n, wait in enumerate(waits, start=1):
        ceiling = min(300, 5 * 2 ** (n - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert max(waits) <= 300 and waits[-1] >= 150
    assert len({round(w, 6) for w in waits[-5:]}) == 5  # jitter: no two stations in step


def test_success_and_network_return_reset_the_count() -> None:
    backoff = Backoff(interval=60, rng=random.Random(2))
    for _ in range(6):
        backoff.failed()
    assert backoff.succeeded() == 60 and backoff.failures == 0
    for _ in range(6):
        backoff.failed()
    assert backoff.network_returned() <= 3 and backoff.failures == 0
    assert backoff.failed() <= 5
