"""Every area's appliers for events pulled from other desks, gathered in one place.

Adding an area that applies pulled events means adding its table here: nothing is found
by importing modules behind the reader's back.
"""

from __future__ import annotations

from desktop.services.aid import campaigns, handouts, stock
from desktop.services.cards import appliers as cards
from desktop.services.certificates import appliers as certificates
from desktop.services.members import appliers as members
from desktop.services.sync import appliers as sync
from desktop.services.sync.replication import Appliers
from desktop.services.training import attendance, completion, courses, rosters

APPLIERS = Appliers.gather(
    singles=(
        sync.APPLIERS,
        cards.APPLIERS,
        certificates.APPLIERS,
        campaigns.APPLIERS,
        stock.APPLIERS,
        handouts.APPLIERS,
        courses.APPLIERS,
        rosters.APPLIERS,
        attendance.APPLIERS,
        completion.APPLIERS,
    ),
    batches=(members.BATCH_APPLIERS,),
)
