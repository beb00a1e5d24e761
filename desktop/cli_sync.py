"""`waystation` verbs of the sync area (registered by desktop.cli.build_parser)."""

from __future__ import annotations

import argparse
from typing import Any

VERBS: tuple[str, ...] = ()


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's sub-parsers; each sets `run=cmd_...(desk, args, out) -> int`."""
