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


def parse_stored(text: str) -> datetime:
    """A stored time back as an aware datetime; tolerant of a missing fraction or offset."""
    try:
        return from_iso(text)
    except ValueError:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# How a stored time is shown: the one place screens, reports and the command line turn a
# stored UTC time into the station's wall clock (the same zone `local_date` uses).
DAY = "%Y-%m-%d"
MINUTE = "%Y-%m-%d %H:%M"
SHORT = "%m-%d %H:%M"
HOUR_MINUTE = "%H:%M"
SECONDS = "%H:%M:%S"


def shown(iso: str | None, form: str = MINUTE) -> str:
    """A stored UTC time on the station's clock, formatted with `form` ('' for none).

    Text that is not a time is shown as it is rather than lost.
    """
    if not iso:
        return ""
    try:
        return parse_stored(iso).astimezone().strftime(form)
    except ValueError:
        return iso


def local_day_of(iso: str) -> str:
    """The station's calendar day of a stored UTC time (YYYY-MM-DD)."""
    return local_date(parse_stored(iso))
