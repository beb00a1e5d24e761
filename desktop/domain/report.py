"""The monthly report as plain values: what the service counts and printing draws."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DayFigures:
    day: str  # YYYY-MM-DD
    visits: int
    people: int


@dataclass(frozen=True)
class Tally:
    """One line of a breakdown: a service, occupation or tag with its visits and people."""

    key: str
    label: str
    visits: int
    people: int


@dataclass(frozen=True)
class MonthlyReport:
    station: str
    union: str
    start: str
    end: str
    title: str
    visits: int
    people: int
    members_visiting: int
    anonymous: int
    returning: int
    returning_share: float  # of members_visiting, 0..1
    voided: int
    new_members: int
    cards_printed: int
    days: tuple[DayFigures, ...]
    services: tuple[Tally, ...]
    occupations: tuple[Tally, ...]
    tags: tuple[Tally, ...]
    hours: tuple[int, ...]  # visits per hour of the day, 0..23, station time
    made_at: str  # YYYY-MM-DD HH:MM, station time


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"
