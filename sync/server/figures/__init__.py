"""The console's figures: projections of the accepted events, kept in the push's
transaction, so that no page scans the event log.

``tables.py`` the projection tables; ``projection.py`` what each accepted event adds (or, for a
void, takes away); ``backfill.py`` fills them from the events already stored (server migration
0006); ``queries.py`` what the pages read; ``month_xlsx.py`` / ``month_pdf.py`` the district's
month report as a workbook and a PDF. The push's hook is ``sync/server/rules/figures.py``.
"""
