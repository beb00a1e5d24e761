"""What reports add to the store: an index the monthly report reads instead of the table.

``ix_visit_report`` covers every visit column the report counts, in station-day order, so a
month among a million visits is one sequential index range (about 85,000 entries) rather
than as many random reads of the table. It costs about 120 bytes per visit.
"""

from __future__ import annotations

from sqlalchemy import Index

from desktop.storage.visits.tables import VisitRow

VISIT_REPORT_INDEX = Index(
    "ix_visit_report",
    VisitRow.local_date,
    VisitRow.member_id,
    VisitRow.device_time,
    VisitRow.services,
    VisitRow.occupation,
)
