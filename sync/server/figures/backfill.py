"""Fill the figures from the events already in the log (server migration 0006; also after
``reset`` by hand): the log's events of the kinds the figures follow, in server order, in
pages, through the same projection as a push."""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.protocol import PayloadError, decode
from sync.server.figures import tables
from sync.server.figures.projection import KINDS, Fact, project
from sync.server.models import EventRow

PAGE = 5_000
TABLES = (
    tables.FigureDayRow,
    tables.FigureMonthRow,
    tables.FigureServiceRow,
    tables.FigureOccupationRow,
    tables.FigureCampaignRow,
    tables.FigureCourseRow,
    tables.FigureVoidRow,
    tables.FigureMemberRow,
    tables.FigureAttendanceRow,
)


def reset(session: Session) -> None:
    for table in TABLES:
        session.execute(delete(table))


def fill(session: Session, page: int = PAGE) -> int:
    """Project every stored event the figures follow; returns how many. An event whose
    payload no longer decodes (a kind's declaration changed since) is left out."""
    after, done = 0, 0
    while True:
        query = (
            select(EventRow)
            .where(EventRow.server_seq > after, EventRow.kind.in_(KINDS))
            .order_by(EventRow.server_seq)
            .limit(page)
        )
        rows = list(session.scalars(query))
        if not rows:
            return done
        facts = []
        for row in rows:
            try:
                payload = decode(row.kind, json.loads(row.payload))
            except (PayloadError, ValueError):
                continue
            facts.append(
                Fact(
                    row.kind, row.event_id, row.entity_id, row.station_id, row.device_time, payload
                )
            )
        project(session, facts)
        session.expunge_all()
        after, done = rows[-1].server_seq, done + len(facts)
