"""The server's business rules: the engine and every area's rules, listed here explicitly.

``run`` (and ``refused``, before anything is stored) is what ingest calls; importing an
area's module registers its rules with the engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync.server.rules import certificates, conflicts, figures, handouts, members
from sync.server.rules.engine import has_rules, refused, run

AREAS = (certificates, conflicts, figures, handouts, members)

# Kinds whose rules write only rows keyed by the pushing station (its day's counts, its
# services and occupations) and read nothing another station's push writes but what an
# order of arrival may decide anyway (a member's occupation, registered elsewhere): a batch
# of only these (or of kinds no rule follows) runs its rules before the log's lock is taken
# (``ingest.push``). The kinds it leaves out read the log or another station's rows (voids,
# handouts, members, certificates, attendance, conflicts, operators) and run their rules
# under the log's lock. None of these rules reads the events' server sequences: they run
# before the events are numbered.
STATION_LOCAL = frozenset({"visit.recorded", "card.issued", "card.printed", "card.reprinted"})


def station_local(kinds: Iterable[str]) -> bool:
    """Whether a batch of these kinds may run its rules before it takes the log's lock."""
    return all(kind in STATION_LOCAL or not has_rules(kind) for kind in kinds)


__all__ = ["AREAS", "STATION_LOCAL", "refused", "run", "station_local"]
