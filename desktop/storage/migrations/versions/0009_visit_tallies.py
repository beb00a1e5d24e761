"""Per-day tallies of visits (``visit_tally``), filled from the visits already recorded: the
monthly report sums them instead of counting every visit of the period again.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# A frozen copy of desktop.storage.visits.tallies.REBUILD_SQL as it was at this revision.
_FILL_SQL = """
INSERT INTO visit_tally (local_date, kind, key, visits)
WITH v AS MATERIALIZED (
    SELECT local_date, member_id, device_time, services, occupation FROM visit
    WHERE local_date BETWEEN :first AND :last
        AND rowid NOT IN (SELECT w.rowid FROM visit_void x JOIN visit w ON w.id = x.visit_id)
),
anonymous AS MATERIALIZED (SELECT * FROM v WHERE member_id IS NULL),
codes AS MATERIALIZED (
    SELECT s.services, j.value AS code
    FROM (SELECT DISTINCT services FROM v) s, json_each(s.services) j
    WHERE json_valid(s.services) AND json_type(s.services) = 'array' AND j.type = 'text'
),
days AS MATERIALIZED (
    SELECT local_date, count(*) AS visits, count(*) - count(member_id) AS anonymous,
        count(DISTINCT member_id) AS people
    FROM v GROUP BY local_date
)
SELECT local_date, 'visits', '', visits FROM days
UNION ALL
SELECT local_date, 'anonymous', '', anonymous FROM days WHERE anonymous > 0
UNION ALL
SELECT local_date, 'people', '', people FROM days WHERE people > 0
UNION ALL
SELECT local_date, 'hour', strftime('%H', device_time, 'localtime') AS hh, count(*) FROM v
    GROUP BY local_date, hh
UNION ALL
SELECT v.local_date, 'service', c.code, count(*) FROM v JOIN codes c ON c.services = v.services
    GROUP BY v.local_date, c.code
UNION ALL
SELECT a.local_date, 'service_anonymous', c.code, count(*)
    FROM anonymous a JOIN codes c ON c.services = a.services GROUP BY a.local_date, c.code
UNION ALL
SELECT local_date, 'occupation_anonymous', coalesce(occupation, '') AS o, count(*)
    FROM anonymous GROUP BY local_date, o
UNION ALL
-- the voids first (CROSS JOIN keeps that order): a few, where the visits are many
SELECT w.local_date, 'voided', '', count(*) FROM visit_void x CROSS JOIN visit w
    ON w.id = x.visit_id WHERE w.local_date BETWEEN :first AND :last GROUP BY w.local_date
"""


def upgrade() -> None:
    op.create_table(
        "visit_tally",
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=30), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("local_date", "kind", "key"),
        sqlite_with_rowid=False,
    )
    op.get_bind().execute(sa.text(_FILL_SQL), {"first": "0000-01-01", "last": "9999-12-31"})


def downgrade() -> None:
    op.drop_table("visit_tally")
