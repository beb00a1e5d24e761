"""Check-ins at a station and their voids: pushed to the server only (for its figures)."""

from __future__ import annotations

from sync.protocol.contract import Author, DayOrEmpty, Id, Payload, Text100, Text200, declare


class VisitRecorded(Payload, frozen=True, kw_only=True):
    member_id: Id | None = None  # None: an anonymous visitor, counted by occupation
    occupation: Text100 | None = None
    services: tuple[Text100, ...] = ()
    local_date: DayOrEmpty = ""


class VisitVoided(Payload, frozen=True, kw_only=True):
    visit_id: Id
    reason: Text200


VISIT_RECORDED = declare("visit.recorded", VisitRecorded, author=Author.DESK)
VISIT_VOIDED = declare("visit.voided", VisitVoided, author=Author.DESK)
