"""Every area's tables on one metadata: what Alembic compares and what a new file is
checked against. The schema itself changes only through migrations."""

from __future__ import annotations

from desktop.storage.aid import tables as aid
from desktop.storage.base import Base
from desktop.storage.cards import tables as cards
from desktop.storage.certificates import tables as certificates
from desktop.storage.desk import tables as desk
from desktop.storage.members import tables as members
from desktop.storage.reports import tables as reports
from desktop.storage.sync import tables as sync
from desktop.storage.training import tables as training
from desktop.storage.visits import tables as visits

AREAS = (aid, cards, certificates, desk, members, reports, sync, training, visits)
METADATA = Base.metadata
