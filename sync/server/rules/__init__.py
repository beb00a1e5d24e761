"""The server's business rules: the engine and every area's rules, listed here explicitly.

``run`` is what ingest calls; importing an area's module registers its rules with the engine.
"""

from __future__ import annotations

from sync.server.rules import certificates, conflicts, handouts, members
from sync.server.rules.engine import run

AREAS = (certificates, conflicts, handouts, members)

__all__ = ["AREAS", "run"]
