"""The server's business rules: the engine and every area's rules, listed here explicitly.

``run`` (and ``refused``, before anything is stored) is what ingest calls; importing an
area's module registers its rules with the engine.
"""

from __future__ import annotations

from sync.server.rules import certificates, conflicts, figures, handouts, members
from sync.server.rules.engine import refused, run

AREAS = (certificates, conflicts, figures, handouts, members)

__all__ = ["AREAS", "refused", "run"]
