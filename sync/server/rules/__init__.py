"""The server's business rules: the engine and every area's rules, listed here explicitly.

``run`` is what ingest calls; importing an area's module registers its rules with the engine.
"""

from __future__ import annotations

from sync.server.rules import conflicts, figures, handouts, members
from sync.server.rules.engine import run

AREAS = (conflicts, figures, handouts, members)

__all__ = ["AREAS", "run"]
