"""The campaign report: per desk and day, people served, items out, stock in, refusals,
overrides, voids and conflicts; stock per desk and item; blind counts; the conflicts. A DTO
for .xlsx and PDF."""

from __future__ import annotations

from collections import defaultdict

from desktop.domain.aid_report import (
    CampaignReport,
    DeskStock,
    ReportConflict,
    ReportItem,
    ReportRow,
)
from desktop.domain.clock import shown, to_iso
from desktop.domain.errors import NotFound
from desktop.services.aid.stock import discrepancies
from desktop.services.sync import commands as syncing
from desktop.storage.aid.repositories import AidFigures, Campaigns, Items
from desktop.storage.uow import UnitOfWork

STOCK_IN = ("received", "transfer_in")
HANDOUT_LIMIT = "handout.limit"  # sync.protocol.ConflictKind.HANDOUT_LIMIT


def campaign_report(uow: UnitOfWork, campaign_id: str) -> CampaignReport:
    with uow.reading():
        campaign = uow.repo(Campaigns).get(campaign_id)
        if campaign is None:
            raise NotFound("aid.campaign_not_found", ref=campaign_id[:40])
        figures = uow.repo(AidFigures)
        handed = figures.handouts(campaign_id)
        out = figures.items_out(campaign_id)
        moves = figures.stock_moves(campaign_id)
        refusals = figures.refusals(campaign_id)
        voids = figures.voids(campaign_id)
        people_total = figures.people(campaign_id)
        known = {i.id: i for i in uow.repo(Items).list()}
        station = uow.device.station_row()
        station_name = station.name if station else ""
        made_at = to_iso(uow.now())
    ids = list(dict.fromkeys([p.item_id for p in campaign.package] + [i for *_, i, _ in out]))
    ids += [i for _, _, i, _, _ in moves if i not in ids]
    ids = list(dict.fromkeys(ids))
    items = tuple(
        ReportItem(i, known[i].name if i in known else i[:8], known[i].unit if i in known else "")
        for i in ids
    )
    column = {i: n for n, i in enumerate(ids)}
    keys: set[tuple[str, str]] = set()
    base: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    item_out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(ids))
    item_in: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(ids))
    for desk, day, n, people, overrides in handed:
        base[desk, day][0:3] = [people, n, overrides]
        keys.add((desk, day))
    for desk, day, n in refusals:
        base[desk, day][3] = n
        keys.add((desk, day))
    for desk, day, n in voids:
        base[desk, day][4] = n
        keys.add((desk, day))
    for desk, day, item, quantity in out:
        item_out[desk, day][column[item]] += quantity
        keys.add((desk, day))
    stock: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for desk, day, item, kind, quantity in moves:
        if kind in STOCK_IN:
            item_in[desk, day][column[item]] += quantity
            stock[desk, item][0] += quantity
            keys.add((desk, day))
        elif kind == "transfer_out":
            stock[desk, item][1] += -quantity
        else:
            stock[desk, item][2] += quantity
    clashes = _conflicts(uow, campaign_id)
    flagged: dict[tuple[str, str], int] = defaultdict(int)
    for _conflict, desk, day in clashes:
        flagged[desk, day] += 1
        keys.add((desk, day))
    rows = []
    for desk, day in sorted(keys, key=lambda k: (k[1], k[0])):
        people, n, overrides, refused, voided = base[desk, day]
        rows.append(
            ReportRow(
                desk,
                day,
                people,
                n,
                tuple(item_out[desk, day]),
                tuple(item_in[desk, day]),
                refused,
                overrides,
                voided,
                flagged[desk, day],
            )
        )
    total = ReportRow(
        desk="*",
        day="*",
        people=people_total,
        handouts=sum(r.handouts for r in rows),
        items_out=tuple(sum(r.items_out[c] for r in rows) for c in range(len(ids))),
        stock_in=tuple(sum(r.stock_in[c] for r in rows) for c in range(len(ids))),
        refusals=sum(r.refusals for r in rows),
        overrides=sum(r.overrides for r in rows),
        voids=sum(r.voids for r in rows),
        conflicts=len(clashes),
    )
    out_by_desk: dict[tuple[str, str], int] = defaultdict(int)
    for desk, _day, item, quantity in out:
        out_by_desk[desk, item] += quantity
    desks = sorted({d for d, _ in stock} | {d for d, _ in out_by_desk})
    stock_rows = []
    for desk in desks:
        for entry in items:
            moved_in, moved_out, adjusted = stock.get((desk, entry.id), [0, 0, 0])
            handed_out = out_by_desk.get((desk, entry.id), 0)
            if not (moved_in or moved_out or adjusted or handed_out):
                continue
            stock_rows.append(
                DeskStock(
                    desk,
                    entry.name,
                    entry.unit,
                    moved_in,
                    moved_out,
                    adjusted,
                    handed_out,
                    moved_in - moved_out + adjusted - handed_out,
                )
            )
    return CampaignReport(
        campaign=campaign,
        station_name=station_name,
        made_at=made_at,
        items=items,
        rows=tuple(rows),
        total=total,
        stock=tuple(stock_rows),
        counts=tuple(discrepancies(uow, campaign_id, "*")),
        conflicts=tuple(c for c, _, _ in clashes),
    )


def _conflicts(uow: UnitOfWork, campaign_id: str) -> list[tuple[ReportConflict, str, str]]:
    """The campaign's handout conflicts, with the desk and day of the later handout."""
    found = []
    for conflict in syncing.conflicts(uow, include_resolved=True):
        if conflict.kind != HANDOUT_LIMIT or conflict.detail.get("campaign_id") != campaign_id:
            continue
        sides = [
            " · ".join(
                (str(s.summary.get("desk") or s.device_code), s.operator_name, shown(s.device_time))
            )
            for s in conflict.sides
        ]
        later = conflict.sides[-1].summary if conflict.sides else {}
        found.append(
            (
                ReportConflict(
                    id=conflict.id,
                    status=conflict.status,
                    rule=str(conflict.detail.get("rule", "")),
                    first=sides[0] if sides else "",
                    second=sides[-1] if sides else "",
                    note=conflict.note or "",
                ),
                str(later.get("desk", "")),
                str(later.get("local_date", "")),
            )
        )
    return found
