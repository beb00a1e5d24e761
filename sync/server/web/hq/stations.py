"""The stations list (the console's home), one station, and creating a station with its
enrolment code and QR on screen."""

from __future__ import annotations

import base64
import io
from typing import Annotated

import qrcode
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from sync.server import admin
from sync.server.models import StationRow
from sync.server.web import pages
from sync.server.web.hq import audit, auth, overview, slots
from sync.server.web.hq.auth import DISTRICT_VIEWER, HQ_ADMIN, Account, Db

router = APIRouter(include_in_schema=False)

WORDS = {
    "hq.nav.stations": ("驿站", "Stations"),
    "hq.nav.new_station": ("新建驿站", "New station"),
    "hq.stations.title": ("全部驿站", "All stations"),
    "hq.stations.title_union": ("{union}的驿站", "Stations of {union}"),
    "hq.stations.none": ("还没有驿站。", "No stations yet."),
    "hq.stations.name": ("驿站", "Station"),
    "hq.stations.union": ("所属工会", "Union"),
    "hq.stations.last_sync": ("最近同步", "Last sync"),
    "hq.stations.waiting": ("未到事件", "Events missing"),
    "hq.stations.devices": ("设备", "Devices"),
    "hq.stations.conflicts": ("未处理冲突", "Open conflicts"),
    "hq.stations.never": ("从未", "never"),
    "hq.stations.count": ("共 {n} 个", "{n} in all"),
    "hq.station.kind.station": ("驿站", "Station"),
    "hq.station.kind.event": ("活动现场", "Event site"),
    "hq.station.kind": ("类型", "Kind"),
    "hq.station.created": ("创建于", "Created"),
    "hq.station.id": ("编号", "Id"),
    "hq.station.no_union": ("（未填）", "(none)"),
    "hq.station.devices": ("设备", "Devices"),
    "hq.station.conflicts": ("未处理的冲突", "Open conflicts"),
    "hq.station.no_conflicts": ("没有未处理的冲突。", "No open conflicts."),
    "hq.station.new_code": ("再生成一个登记码", "Make another enrolment code"),
    "hq.station.figures_later": (
        "统计数字将显示在这里。",
        "The station's figures will show here.",
    ),
    "hq.new.title": ("新建驿站", "New station"),
    "hq.new.name": ("驿站名称", "Station name"),
    "hq.new.kind": ("类型", "Kind"),
    "hq.new.union": ("所属工会", "Union"),
    "hq.new.union_hint": (
        "区工会查看员只看得到本工会的驿站。",
        "A district viewer sees only its own union's stations.",
    ),
    "hq.new.submit": ("创建并生成登记码", "Create and make an enrolment code"),
    "hq.new.bad_name": (
        "请填写驿站名称（1 到 100 个字）。",
        "Give the station a name (1 to 100 characters).",
    ),
    "hq.new.station_exists": ("已经有同名的驿站。", "A station with this name exists."),
    "hq.new.bad_union": ("工会名称最多 100 个字。", "A union's name has at most 100 characters."),
    "hq.new.bad_kind": ("类型不对。", "Unknown kind."),
    "hq.code.title": ("「{name}」的登记码", "Enrolment code for {name}"),
    "hq.code.created": ("驿站已创建。", "The station was created."),
    "hq.code.how": (
        "在驿站电脑上打开驿站通，选择“连接中心”，扫描下面的二维码，或输入服务器地址和登记码。"
        "登记码只能用一次，{days} 天内有效；离开本页后不再显示。",
        "At the station's PC open Waystation, choose “Connect to the centre” and scan the QR "
        "below, or type the server address and the code. The code works once, for {days} "
        "days; it is not shown again after you leave this page.",
    ),
    "hq.code.code": ("登记码", "Enrolment code"),
    "hq.code.server": ("服务器地址", "Server address"),
    "hq.code.qr_alt": ("登记二维码", "Enrolment QR"),
    "hq.code.back": ("回到驿站页面", "Back to the station"),
}
pages.words.add(WORDS)
auth.add_nav("hq.nav.stations", "/hq", DISTRICT_VIEWER, order=10)
auth.add_nav("hq.nav.new_station", "/hq/stations/new", HQ_ADMIN, order=80)


def qr_data_uri(content: str) -> str:
    """A PNG of the QR as a data: address (the page's CSP allows data: images only)."""
    qr = qrcode.QRCode(border=4, box_size=6, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(content)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@router.get("/hq")
def station_list(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
) -> Response:
    lines = overview.stations(session, account)
    columns = slots.station_columns(session, account, [line.id for line in lines])
    return auth.console_page(
        request, account, "hq/stations.html", stations=lines, figure_columns=columns
    )


@router.get("/hq/stations/new")
def new_station_form(
    request: Request, session: Db, account: Annotated[Account, Depends(auth.require(HQ_ADMIN))]
) -> Response:
    return auth.console_page(
        request, account, "hq/station_new.html", unions=_unions(session), values={}, error=""
    )


def _unions(session: Db) -> list[str]:
    found = session.scalars(
        select(StationRow.union_name).distinct().order_by(StationRow.union_name)
    )
    return [union for union in found if union]


@router.post("/hq/stations/new")
def new_station(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(HQ_ADMIN))],
    name: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=20)] = "station",
    union: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    settings = request.app.state.settings
    try:
        made = admin.create_station(session, name, kind, settings.enrolment_code_days, union)
    except admin.AdminError as error:
        values = {"name": name, "kind": kind, "union": union}
        return auth.console_page(
            request,
            account,
            "hq/station_new.html",
            status=409 if error.status == 409 else 400,
            unions=_unions(session),
            values=values,
            error=f"hq.new.{error.code}",
        )
    audit.record(
        session,
        account,
        "station.create",
        made.name,
        station_id=made.station_id,
        address=auth.address_of(request),
        kind=made.kind,
        union=union.strip(),
    )
    return _code_page(request, account, made.station_id, made.name, made.code, created=True)


@router.post("/hq/stations/{station_id}/code")
def another_code(
    request: Request,
    session: Db,
    station_id: str,
    account: Annotated[Account, Depends(auth.require(HQ_ADMIN))],
) -> Response:
    station = overview.station_for(session, account, station_id)
    if station is None:
        return pages.error_page(request, 404)
    code = admin.new_code(session, station, request.app.state.settings.enrolment_code_days)
    audit.record(
        session,
        account,
        "station.code",
        station.name,
        station_id=station.id,
        address=auth.address_of(request),
    )
    return _code_page(request, account, station.id, station.name, code, created=False)


def _code_page(
    request: Request, account: Account, station_id: str, name: str, code: str, created: bool
) -> Response:
    settings = request.app.state.settings
    link = admin.enrolment_link(settings, code, request.app.state.key)
    return auth.console_page(
        request,
        account,
        "hq/station_code.html",
        status=201 if created else 200,
        station_id=station_id,
        name=name,
        code=code,
        link=link,
        qr=qr_data_uri(link),
        server_url=settings.public_url,
        days=settings.enrolment_code_days,
        created=created,
    )


@router.get("/hq/stations/{station_id}")
def one_station(
    request: Request,
    session: Db,
    station_id: str,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
) -> Response:
    station = overview.station_for(session, account, station_id)
    if station is None:
        return pages.error_page(request, 404)
    line = next(line for line in overview.stations_of(session, [station]))
    return auth.console_page(
        request,
        account,
        "hq/station.html",
        station=line,
        devices=overview.devices(session, account, station.id),
        conflicts=overview.conflicts(session, account, "open", station.id),
        sections=slots.station_sections(request, session, account, station),
    )
