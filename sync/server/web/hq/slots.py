"""Where other page areas put their parts into the console's pages (figures by web-figures,
campaigns and courses by web-central), without editing these pages.

- ``add_station_columns(columns)``: ``columns(session, account, station_ids)`` gives
  ``Column``s (a word key for the heading and a value per station id) appended to the
  stations list (``/hq``).
- ``add_station_section(section)``: ``section(request, session, account, station)`` gives
  a ``Section`` (a template under ``templates/hq/`` and its context, reachable in the
  template as ``section``) shown on the one-station page, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from sync.server.models import StationRow
from sync.server.web.hq.auth import Account


@dataclass(frozen=True)
class Column:
    word: str
    values: dict[str, Any]
    numeric: bool = True


@dataclass(frozen=True)
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


StationColumns = Callable[[Session, Account, list[str]], list[Column]]
StationSection = Callable[[Request, Session, Account, StationRow], Section | None]

_columns: list[StationColumns] = []
_sections: list[StationSection] = []


def add_station_columns(columns: StationColumns) -> None:
    if columns not in _columns:
        _columns.append(columns)


def add_station_section(section: StationSection) -> None:
    if section not in _sections:
        _sections.append(section)


def station_columns(session: Session, account: Account, station_ids: list[str]) -> list[Column]:
    return [column for make in _columns for column in make(session, account, station_ids)]


def station_sections(
    request: Request, session: Session, account: Account, station: StationRow
) -> list[Section]:
    found = [make(request, session, account, station) for make in _sections]
    return [section for section in found if section is not None]
