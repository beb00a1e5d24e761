"""Time on the device. Stored in UTC; the station's local day decides "today"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """UTC, microseconds, 'Z': sorts as text and parses back exactly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def local_date(moment: datetime) -> str:
    """The station's calendar day (the machine's local time zone) as YYYY-MM-DD."""
    return moment.astimezone().strftime("%Y-%m-%d")
