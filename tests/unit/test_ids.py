"""Ids made on the device: UUIDv7 text, one at a time or in bulk."""

from __future__ import annotations

import uuid

from desktop.domain import ids


def test_bulk_ids_are_uuid7_in_increasing_order_across_calls() -> None:
    made = ids.new_ids(3) + ids.new_ids(5_000) + ids.new_ids(1)  # 5,000 spans milliseconds
    assert len(set(made)) == len(made) == 5_004
    assert made == sorted(made)
    for text in made:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, text)
    assert ids.new_ids(0) == []


def test_bulk_ids_carry_the_clock_like_single_ones() -> None:
    single, bulk = uuid.UUID(ids.new_id()), uuid.UUID(ids.new_ids(1)[0])
    # The first 48 bits are Unix milliseconds: the two agree within a few seconds.
    assert abs((single.int >> 80) - (bulk.int >> 80)) < 5_000
