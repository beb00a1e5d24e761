"""What a write changed, as data (Anki's ``OpChanges``): each screen decides whether to redraw.

A write made at the desk is described by one ``Changes`` value; the GUI passes it to every
screen through one adapter (``ui/changes.py``) instead of wiring screens to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Changes:
    members: bool = False  # registered, edited, (de)activated, imported, merged
    visits: bool = False  # check-ins and their voids
    cards: bool = False  # cards and certificates: issued, printed, lost, revoked
    aid: bool = False  # campaigns, items, stock, handouts
    training: bool = False  # courses, sessions, rosters, attendance, completion
    operators: bool = False
    settings: bool = False
    conflicts: bool = False
    enrolment: bool = False  # this desk joined a server: records carry its station now
    outbox: bool = False  # events waiting to be pushed grew: sync should run soon

    def __or__(self, other: Changes) -> Changes:
        return replace(
            self, **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))
