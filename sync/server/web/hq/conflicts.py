"""Conflicts across the stations the account may see; an HQ admin resolves one with a note
(admin.resolve_conflict: the signed ``conflict.resolved`` every desk applies)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sync.server import admin
from sync.server.web import pages
from sync.server.web.hq import audit, auth, overview
from sync.server.web.hq.auth import DISTRICT_VIEWER, HQ_ADMIN, Account, Db

router = APIRouter(include_in_schema=False)

WORDS = {
    "hq.nav.conflicts": ("冲突", "Conflicts"),
    "hq.conflicts.title": ("冲突", "Conflicts"),
    "hq.conflicts.open": ("未处理", "Open"),
    "hq.conflicts.resolved": ("已处理", "Resolved"),
    "hq.conflicts.none_open": ("没有未处理的冲突。", "No open conflicts."),
    "hq.conflicts.none_resolved": ("还没有处理过的冲突。", "No resolved conflicts yet."),
    "hq.conflicts.of_station": ("只看「{name}」", "Only {name}"),
    "hq.conflicts.all": ("全部驿站", "All stations"),
    "hq.conflicts.opened": ("发现于", "Found"),
    "hq.conflicts.kind": ("类型", "Kind"),
    "hq.conflicts.records": ("涉及的记录", "The records"),
    "hq.conflicts.open_it": ("查看并处理", "See and resolve"),
    "hq.conflicts.see": ("查看", "See"),
    "hq.conflict.kind.member.duplicate": ("疑似重复会员", "Possible duplicate member"),
    "hq.conflict.kind.handout.limit": ("超出活动限额的发放", "Handout beyond the campaign limit"),
    "hq.summary.name": ("姓名 / 活动", "Name / campaign"),
    "hq.summary.member_number": ("会员号", "Member number"),
    "hq.summary.phone": ("手机", "Phone"),
    "hq.summary.id_last4": ("身份证后四位", "ID number, last 4"),
    "hq.summary.campaign_name": ("活动", "Campaign"),
    "hq.summary.items": ("物资", "Items"),
    "hq.summary.desk": ("发放台", "Desk"),
    "hq.summary.operator_name": ("经办人", "Handed out by"),
    "hq.summary.local_date": ("日期", "Date"),
    "hq.summary.collector_number": ("代领人会员号", "Collected by (member number)"),
    "hq.conflict.title": ("冲突：{kind}", "Conflict: {kind}"),
    "hq.conflict.record": ("记录 {n}", "Record {n}"),
    "hq.conflict.station": ("驿站", "Station"),
    "hq.conflict.device": ("设备", "Device"),
    "hq.conflict.operator": ("值班员", "Attendant"),
    "hq.conflict.when": ("时间", "When"),
    "hq.conflict.resolve": ("处理", "Resolve"),
    "hq.conflict.note": ("处理说明（各驿站都会看到）", "Note (every station sees it)"),
    "hq.conflict.submit": ("标记为已处理", "Mark as resolved"),
    "hq.conflict.resolved_note": ("已于 {at} 处理：", "Resolved {at}:"),
    "hq.conflict.resolved_by_hq": (
        "（总工会 {by} 在管理台处理）",
        "(by {by} at HQ, in the console)",
    ),
    "hq.conflict.resolved_at_desk": ("（在驿站 {station} 处理）", "(at the station {station})"),
    "hq.conflict.later": (
        "之后另有驿站也提交了处理意见（未采用）：",
        "A station also sent a resolution after this one (not applied):",
    ),
    "hq.conflict.viewer_only": (
        "只有总工会管理员可以处理冲突。",
        "Only an HQ admin can resolve conflicts.",
    ),
    "hq.conflict.note_required": ("请写下处理说明。", "Write a note on how it was resolved."),
    "hq.conflict.note_too_long": ("说明最多 500 个字。", "A note has at most 500 characters."),
    "hq.conflict.already_resolved": (
        "这个冲突刚刚已被处理（可能是某个驿站）。下面是生效的处理。",
        "This conflict has just been resolved (perhaps at a station). The resolution that "
        "stands is below.",
    ),
}
pages.words.add(WORDS)
auth.add_nav("hq.nav.conflicts", "/hq/conflicts", DISTRICT_VIEWER, order=20)


@router.get("/hq/conflicts")
def conflict_list(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
    station: str = "",
    status: str = "open",
) -> Response:
    status = status if status in ("open", "resolved") else "open"
    only = overview.station_for(session, account, station) if station else None
    if station and only is None:
        return pages.error_page(request, 404)
    lines = overview.conflicts(session, account, status, only.id if only else None)
    return auth.console_page(
        request,
        account,
        "hq/conflicts.html",
        conflicts=lines,
        showing=status,
        only=only,
    )


@router.get("/hq/conflicts/{conflict_id}")
def one_conflict(
    request: Request,
    session: Db,
    conflict_id: str,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
) -> Response:
    return _conflict_page(request, session, account, conflict_id)


def _conflict_page(
    request: Request,
    session: Db,
    account: Account,
    conflict_id: str,
    status: int = 200,
    error: str = "",
    note: str = "",
) -> Response:
    line = overview.conflict_for(session, account, conflict_id)
    if line is None:
        return pages.error_page(request, 404)
    return auth.console_page(
        request,
        account,
        "hq/conflict.html",
        status=status,
        conflict=line,
        names=overview.station_names(session, _stations_named(line)),
        error=error,
        note=note,
        summary_words=pages.words.keys(),
    )


@router.post("/hq/conflicts/{conflict_id}/resolve")
def resolve(
    request: Request,
    session: Db,
    conflict_id: str,
    account: Annotated[Account, Depends(auth.require(HQ_ADMIN))],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    line = overview.conflict_for(session, account, conflict_id)
    if line is None:
        return pages.error_page(request, 404)
    try:
        conflict = admin.resolve_conflict(
            session, conflict_id, note, request.app.state.key, by=account.name
        )
    except admin.AdminError as error:
        if error.code == "not_found":
            return pages.error_page(request, 404)
        status = 409 if error.code == "already_resolved" else 400
        return _conflict_page(
            request, session, account, conflict_id, status, f"hq.conflict.{error.code}", note
        )
    audit.record(
        session,
        account,
        "conflict.resolve",
        conflict.kind,
        station_id=line.station_ids[0] if line.station_ids else None,
        address=auth.address_of(request),
        conflict_id=conflict.id,
        note=" ".join(note.split()),
    )
    return RedirectResponse(f"/hq/conflicts/{conflict.id}", status_code=303)


def _stations_named(line: overview.ConflictLine) -> set[str]:
    """The stations a conflict's page names: its records' and those of its resolutions."""
    ids = set(line.station_ids)
    resolution = line.resolution or {}
    ids.add(str(resolution.get("station_id", "")))
    ids |= {str(x.get("station_id", "")) for x in resolution.get("later", [])}
    return ids - {""}
