"""A campaign's report as plain values: what the aid area counts and printing draws."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.aid import Campaign


@dataclass(frozen=True)
class ReportItem:
    id: str
    name: str
    unit: str


@dataclass(frozen=True)
class ReportRow:
    """One desk on one day (or ``*`` for all of them)."""

    desk: str
    day: str
    people: int
    handouts: int
    items_out: tuple[int, ...]  # per report item, in ``CampaignReport.items`` order
    stock_in: tuple[int, ...]
    refusals: int
    overrides: int
    voids: int
    conflicts: int = 0  # handout-limit conflicts the server flagged, by the later handout


@dataclass(frozen=True)
class ReportConflict:
    """A handout beyond the campaign's limits at another desk, as pulled from the server."""

    id: str
    status: str
    rule: str
    first: str  # "desk · operator · time" of each handout
    second: str
    note: str


@dataclass(frozen=True)
class DeskStock:
    desk: str
    item: str
    unit: str
    moved_in: int  # received + transferred in
    moved_out: int  # transferred out
    adjusted: int
    handed_out: int
    left: int


@dataclass(frozen=True)
class Discrepancy:
    item_id: str
    item_name: str
    desk: str
    local_date: str
    counted: int
    expected: int
    difference: int
    device_time: str


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    station_name: str
    made_at: str
    items: tuple[ReportItem, ...]
    rows: tuple[ReportRow, ...]
    total: ReportRow
    stock: tuple[DeskStock, ...]
    counts: tuple[Discrepancy, ...]
    conflicts: tuple[ReportConflict, ...] = ()
