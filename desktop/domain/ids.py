"""Identifiers made on the device: sortable, unique across stations without a server."""

from __future__ import annotations

import os
import secrets
import threading
import time

import uuid6

from desktop.domain.people import MEMBER_NUMBER_ALPHABET

DEVICE_CODE_LENGTH = 6

_COUNTER_LIMIT = 1 << 12  # rand_a: the 12 bits after the version
# The variant bits (binary 10) over the first hex digit of the random part.
_VARIANT = {f"{n:x}": f"{8 | n & 3:x}" for n in range(16)}
_SUBS = [f"{n:03x}" for n in range(_COUNTER_LIMIT)]
_batch_lock = threading.Lock()
_batch_last = (0, -1)  # (milliseconds, counter) of the last id new_ids made


def new_id() -> str:
    """A UUIDv7: time-ordered, so indexes stay append-mostly, and unique across devices."""
    return str(uuid6.uuid7())


def new_ids(count: int) -> list[str]:
    """``count`` UUIDv7s at once, in increasing order, for bulk writers (the demo data).

    ``new_id`` costs about 6 µs (a ``uuid.UUID`` object, a call for its random bits); 3
    million of them were a third of the demo's time. These are made from one read of the
    system's random source and formatted as text directly: the millisecond clock, then a
    12-bit counter within the millisecond (RFC 9562 section 6.2, method 1; the next
    millisecond when it runs out), then 62 random bits, which keep ids of different desks
    apart.
    """
    global _batch_last
    if count <= 0:
        return []
    with _batch_lock:
        last_ms, last_counter = _batch_last
        ms = time.time_ns() // 1_000_000
        counter = 0
        if ms <= last_ms:
            ms, counter = last_ms, last_counter + 1
        end = ms * _COUNTER_LIMIT + counter + count - 1
        _batch_last = divmod(end, _COUNTER_LIMIT)
    hexes = os.urandom(8 * count).hex()
    ids: list[str] = []
    append = ids.append
    done = 0
    while done < count:
        stamp = f"{ms & 0xFFFF_FFFF_FFFF:012x}"
        head = f"{stamp[:8]}-{stamp[8:]}-7"
        n = min(_COUNTER_LIMIT - counter, count - done)
        starts = range(16 * done, 16 * (done + n), 16)  # of each id's 16 random hex digits
        for sub, j in zip(_SUBS[counter : counter + n], starts, strict=True):
            append(
                f"{head}{sub}-{_VARIANT[hexes[j]]}{hexes[j + 1 : j + 4]}-{hexes[j + 4 : j + 16]}"
            )
        done += n
        ms, counter = ms + 1, 0
    return ids


def new_device_code() -> str:
    """The prefix of member numbers made on this device.

    Six Crockford base32 characters: 2**30 codes, so two among 2,000 devices share one
    with a probability of about 0.2 %; the central server checks it at enrolment.
    """
    return "".join(secrets.choice(MEMBER_NUMBER_ALPHABET) for _ in range(DEVICE_CODE_LENGTH))
