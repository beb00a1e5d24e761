"""The console's figures: today's and this month's visits on the stations list, one
station's month (visits per day, services, occupations, members, cards, certificates,
handouts, attendance, campaigns and courses) on its page, and the district's month report
(汇总月报: every station side by side with totals) as a page, a workbook and a PDF.

Everything is read from the projections (``sync/server/figures/``), never from the event
log. A district viewer sees only its union's stations; an HQ admin every station, or one
union's (``?union=``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sync.server import log
from sync.server.figures import queries
from sync.server.figures.month_pdf import month_pdf
from sync.server.figures.month_xlsx import month_xlsx
from sync.server.figures.queries import MONTH_COLUMNS
from sync.server.models import StationRow
from sync.server.web import pages
from sync.server.web.hq import auth, overview, slots
from sync.server.web.hq.auth import DISTRICT_VIEWER, Account, Db

router = APIRouter(include_in_schema=False)

SERVICES = {
    "water": ("饮水", "Water"),
    "rest": ("休息", "Rest"),
    "charging": ("电动车充电", "E-bike charging"),
    "warmth": ("取暖纳凉", "Warm up / cool down"),
    "microwave": ("热饭", "Microwave"),
    "toilet": ("如厕", "Toilet"),
    "first_aid": ("急救药箱", "First-aid kit"),
    "health_check": ("健康检查", "Health check"),
    "legal_advice": ("法律咨询", "Legal advice"),
    "counselling": ("心理咨询", "Counselling"),
    "reading": ("阅读", "Reading"),
    "other": ("其他", "Other"),
}
WORDS = {
    "fig.nav.month": ("汇总月报", "Month report"),
    "fig.today_visits": ("今日到访", "Visits today"),
    "fig.month_visits": ("本月到访", "Visits this month"),
    "fig.station.title": ("{month} 的数字", "Figures for {month}"),
    "fig.previous": ("‹ 上个月", "‹ Previous month"),
    "fig.next": ("下个月 ›", "Next month ›"),
    "fig.col.day": ("日期", "Day"),
    "fig.col.visits": ("到访", "Visits"),
    "fig.col.members": ("新会员", "New members"),
    "fig.col.cards_issued": ("新发会员卡", "Cards issued"),
    "fig.col.cards_printed": ("打印会员卡", "Cards printed"),
    "fig.col.certificates": ("证书", "Certificates"),
    "fig.col.certificates_revoked": ("撤销证书", "Certificates revoked"),
    "fig.col.handouts": ("物资发放", "Handouts"),
    "fig.col.attendance": ("培训出勤", "Training attendance"),
    "fig.per_day": ("每日到访", "Visits per day"),
    "fig.services": ("服务项目（本月）", "Services (this month)"),
    "fig.occupations": ("职业（本月）", "Occupations (this month)"),
    "fig.campaigns": ("物资发放活动（累计）", "Aid campaigns (all time)"),
    "fig.courses": ("培训课程（累计）", "Courses (all time)"),
    "fig.course.attendance": ("出勤人次", "Attendances"),
    "fig.course.certified": ("结业证书", "Certificates"),
    "fig.handouts_count": ("发放次数", "Handouts"),
    "fig.count": ("次数", "Count"),
    "fig.none": ("本月还没有记录。", "Nothing recorded this month yet."),
    "fig.none_short": ("暂无", "None yet"),
    "fig.occupation.unknown": ("未填写", "Not given"),
    "fig.month.title": ("{title} 汇总月报 · {month}", "{title} month report · {month}"),
    "fig.month.all": ("全区", "All stations"),
    "fig.month.station": ("驿站", "Station"),
    "fig.month.total": ("合计", "Total"),
    "fig.month.stations": ("{n} 个驿站", "{n} stations"),
    "fig.month.union": ("工会", "Union"),
    "fig.month.download": ("下载", "Download"),
    "fig.month.xlsx": ("Excel 表格 (.xlsx)", "Spreadsheet (.xlsx)"),
    "fig.month.pdf": ("PDF", "PDF"),
    "fig.month.page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "fig.month.pick": ("月份", "Month"),
    "fig.month.show": ("查看", "Show"),
    "fig.month.bad_month": (
        "月份应写成 2026-03 这样；已显示本月。",
        "Write the month like 2026-03; this month is shown.",
    ),
    "fig.month.no_stations": ("还没有驿站。", "No stations yet."),
    **{f"fig.service.{key}": pair for key, pair in SERVICES.items()},
}
pages.words.add(WORDS)
auth.add_nav("fig.nav.month", "/hq/month", DISTRICT_VIEWER, order=40)

ALL_STATIONS_AT_ONCE = 200  # beyond this many stations, sum every station and pick


def _today(request: Request | None = None) -> str:
    """Today on the console's clock (the stations' clock: China time unless configured)."""
    if request is None:
        return queries.today(log.now())
    return log.now().astimezone(auth.console_zone(request)).date().isoformat()


# --- the stations list: two columns -------------------------------------------------------


def station_columns(
    session: Session, account: Account, station_ids: list[str]
) -> list[slots.Column]:
    day = _today()
    found = queries.glances(
        session, station_ids if len(station_ids) < ALL_STATIONS_AT_ONCE else None, day
    )
    none = queries.Glance()
    return [
        slots.Column("fig.today_visits", {s: found.get(s, none).today for s in station_ids}),
        slots.Column("fig.month_visits", {s: found.get(s, none).month for s in station_ids}),
    ]


# --- one station: its month -----------------------------------------------------------------


def station_section(
    request: Request, session: Session, account: Account, station: StationRow
) -> slots.Section:
    today = _today(request)
    this_month = queries.this_month(today)
    month = queries.valid_month(request.query_params.get("month"), this_month)
    figures = queries.station_figures(session, station.id, month)
    days = [d for d in figures.days if d.day <= today]  # none still to come
    lang = pages.language(request)
    return slots.Section(
        "hq/figures_station.html",
        {
            "figures": figures,
            "days": days,
            "month": month,
            "previous": queries.shifted(month, -1),
            "next": queries.shifted(month, 1) if month < this_month else None,
            "peak": max((d.values["visits"] for d in figures.days), default=0),
            "services": [(service_name(lang, n.name), n.count) for n in figures.services],
            "occupations": [
                (n.name or pages.words.text(lang, "fig.occupation.unknown"), n.count)
                for n in figures.occupations
            ],
            "columns": ("members", "cards_issued", "cards_printed", "certificates", "handouts"),
        },
    )


def service_name(lang: str, code: str) -> str:
    pair = SERVICES.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


slots.add_station_columns(station_columns)
slots.add_station_section(station_section)


# --- the district's month -------------------------------------------------------------------


def _scope(
    session: Session, account: Account, union: str | None
) -> tuple[list[StationRow], str | None, list[str]]:
    """The stations shown, the union chosen (None: all the account may see) and the unions
    an HQ admin may choose from."""
    stations = overview.visible_stations(session, account)
    unions: list[str] = []
    if account.is_admin:
        unions = sorted({s.union_name for s in stations if s.union_name})
        if union and union in unions:
            return [s for s in stations if s.union_name == union], union, unions
        return stations, None, unions
    return stations, account.union, unions


def _report(
    request: Request, session: Session, account: Account
) -> tuple[queries.MonthReport, str | None, list[str], bool]:
    this_month = queries.this_month(_today(request))
    asked = request.query_params.get("month")
    month = queries.valid_month(asked, this_month)
    stations, union, unions = _scope(session, account, request.query_params.get("union"))
    lang = pages.language(request)
    title = union or pages.words.text(lang, "fig.month.all")
    report = queries.month_report(session, [(s.id, s.name) for s in stations], month, title)
    return report, union, unions, bool(asked) and asked != month


def _headers(lang: str) -> dict[str, str]:
    return {c: pages.words.text(lang, f"fig.col.{c}") for c in MONTH_COLUMNS}


@router.get("/hq/month")
def month_page(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
) -> Response:
    report, union, unions, bad = _report(request, session, account)
    query = f"month={report.month}" + (f"&union={quote(union)}" if union and unions else "")
    this_month = queries.this_month(_today(request))
    return auth.console_page(
        request,
        account,
        "hq/figures_month.html",
        report=report,
        columns=MONTH_COLUMNS,
        union=union,
        unions=unions,
        bad_month=bad,
        query=query,
        previous=queries.shifted(report.month, -1),
        next=queries.shifted(report.month, 1) if report.month < this_month else None,
        union_query=f"&union={quote(union)}" if union and unions else "",
    )


def _file_name(report: queries.MonthReport, extension: str) -> str:
    name = f"汇总月报-{report.title}-{report.month}.{extension}"
    ascii_name = f"month-report-{report.month}.{extension}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@router.get("/hq/month.xlsx")
def month_workbook(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
) -> Response:
    report, _union, _unions, _bad = _report(request, session, account)
    lang = pages.language(request)
    words = pages.words
    title = words.text(lang, "fig.month.title", title=report.title, month=report.month)
    data = month_xlsx(
        report,
        title,
        _headers(lang),
        words.text(lang, "fig.month.station"),
        words.text(lang, "fig.month.total"),
    )
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": _file_name(report, "xlsx"), "Cache-Control": "no-store"},
    )


@router.get("/hq/month.pdf")
def month_document(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
) -> Response:
    report, _union, _unions, _bad = _report(request, session, account)
    lang = pages.language(request)
    words = pages.words
    data = month_pdf(
        report,
        words.text(lang, "fig.month.title", title=report.title, month=report.month),
        _headers(lang),
        words.text(lang, "fig.month.station"),
        words.text(lang, "fig.month.total"),
        words.text(lang, "fig.month.page", page="{page}", pages="{pages}"),
    )
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": _file_name(report, "pdf"), "Cache-Control": "no-store"},
    )
