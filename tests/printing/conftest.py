from __future__ import annotations

import random

import pytest

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def token(rng: random.Random) -> str:
    """A realistic card token: ``WS1:`` and 136 upper-case base32 characters."""
    return "WS1:" + "".join(rng.choice(BASE32) for _ in range(136))


@pytest.fixture
def tokens() -> list[str]:
    rng = random.Random(2026)
    return [token(rng) for _ in range(30)]
