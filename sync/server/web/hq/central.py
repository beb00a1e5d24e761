"""Campaigns and courses made at HQ (``sync.server.central``): the list, a form to create
one, the same form to change it (a limit raised, a station added, closed); HQ admins only.
Each save is audited and becomes signed events the stations' desks pull on their next sync.

Plain HTML forms, no script: a campaign takes up to ``ITEM_ROWS`` items, a course up to
``SESSION_ROWS`` sessions at a time (save, then add more).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sync.server import central
from sync.server.models import StationRow
from sync.server.web import pages
from sync.server.web.hq import audit, auth, slots
from sync.server.web.hq.auth import HQ_ADMIN, Account, Db

router = APIRouter(include_in_schema=False)
ITEM_ROWS = 4
SESSION_ROWS = 4

WORDS = {
    "hq.nav.central": ("中心下发", "From HQ"),
    "hq.central.title": ("中心下发的活动和培训", "Campaigns and courses from HQ"),
    "hq.central.intro": (
        "在这里建的帮扶活动和培训班，各驿站下次同步时收到，像本站建的一样使用"
        "（库存、限领、领取条件、发放；报名、考勤、证书），并标明“中心下发”。"
        "规则只能在这里改，改动同样下发。",
        "Campaigns and courses made here reach the stations on their next sync and are used "
        "there like their own (stock, limits, eligibility, handouts; enrolment, attendance, "
        "certificates), marked “from HQ”. Only HQ changes them, here; changes reach the "
        "stations too.",
    ),
    "hq.central.campaigns": ("帮扶活动", "Aid campaigns"),
    "hq.central.courses": ("培训班", "Courses"),
    "hq.central.new_campaign": ("新建帮扶活动", "New aid campaign"),
    "hq.central.new_course": ("新建培训班", "New course"),
    "hq.central.none_campaigns": ("还没有中心下发的活动。", "No campaigns from HQ yet."),
    "hq.central.none_courses": ("还没有中心下发的培训班。", "No courses from HQ yet."),
    "hq.central.name": ("名称", "Name"),
    "hq.central.dates": ("日期", "Dates"),
    "hq.central.stations": ("参与驿站", "Stations taking part"),
    "hq.central.every_station": ("全部驿站", "Every station"),
    "hq.central.rules": ("规则", "Rules"),
    "hq.central.version": ("版本", "Version"),
    "hq.central.changed_at": ("最近修改", "Last changed"),
    "hq.central.closed": ("已结束", "closed"),
    "hq.central.cancelled": ("已取消", "cancelled"),
    "hq.central.sessions_n": ("{n} 次课", "{n} sessions"),
    "hq.central.limit_person": ("每人限 {n} 次", "at most {n} per person"),
    "hq.central.limit_day": ("每天限 {n} 次", "at most {n} a day"),
    "hq.central.interval": ("间隔 {n} 分钟", "{n} minutes apart"),
    "hq.central.none_when_out": ("发放台缺货不发", "refused when a desk runs short"),
    "hq.central.who": ("领取条件", "Who may receive"),
    "hq.central.anyone": ("不限", "anyone"),
    "hq.central.saved": (
        "已保存（第 {version} 版）。各驿站下次同步时收到。",
        "Saved (version {version}). The stations receive it on their next sync.",
    ),
    "hq.central.edit": ("修改", "Change"),
    "hq.central.back": ("回到列表", "Back to the list"),
    "hq.central.made_by": ("由 {by} 于 {at} 创建", "Made by {by} on {at}"),
    # the campaign form
    "hq.central.campaign_title": ("帮扶活动：{name}", "Aid campaign: {name}"),
    "hq.central.starts_on": ("开始日期", "First day"),
    "hq.central.ends_on": ("结束日期", "Last day"),
    "hq.central.items": ("每人一份包含的物资", "What one person receives"),
    "hq.central.item_name": ("物资名称", "Item"),
    "hq.central.item_unit": ("单位", "Unit"),
    "hq.central.item_quantity": ("数量", "Quantity"),
    "hq.central.items_hint": (
        "同名同单位的物资各活动共用；驿站收到后自己登记库存。",
        "An item of the same name and unit is shared by HQ's campaigns; each station "
        "records its own stock.",
    ),
    "hq.central.stations_hint": (
        "不勾选 = 全部驿站。只有参与的驿站能看到并使用；之后可以再加驿站。",
        "None ticked = every station. Only stations taking part see it and use it; you can "
        "add stations later.",
    ),
    "hq.central.tags": ("可领取的标签（用逗号分开，如 困难职工）", "Tags that qualify (commas)"),
    "hq.central.occupations": (
        "可领取的职业（用逗号分开，如 外卖骑手,快递员）",
        "Occupations that qualify (commas)",
    ),
    "hq.central.who_hint": ("两项都空 = 人人可领。", "Both empty = anyone may receive."),
    "hq.central.max_per_person": ("每人最多领几次", "At most per person"),
    "hq.central.max_per_day": ("每人每天最多几次", "At most per person a day"),
    "hq.central.min_interval": ("两次之间至少隔（分钟）", "Minutes between two"),
    "hq.central.limits_hint": ("空 = 不限。", "Empty = no limit."),
    "hq.central.proof": ("领取凭证", "Proof of receipt"),
    "hq.central.proof.none": ("不需要", "none"),
    "hq.central.proof.code": ("输入确认码", "a typed code"),
    "hq.central.proof.signature": ("手写签名", "a signature"),
    "hq.central.refuse_when_out": (
        "发放台库存不足时拒绝发放（不勾选：先提示，确认后仍发放）",
        "Refuse a handout when the desk runs short (unticked: it asks, then hands out)",
    ),
    "hq.central.stock_hint": (
        "库存按每个发放台自己的账判断：由发放的那台电脑决定，中心不再核对。",
        "Each desk judges its own stock when it hands out; the server does not check it again.",
    ),
    "hq.central.active": ("进行中（取消勾选即结束发放）", "Running (untick to stop handouts)"),
    "hq.central.create": ("创建并下发", "Create and send"),
    "hq.central.save": ("保存并下发", "Save and send"),
    # the course form
    "hq.central.course_title": ("培训班：{name}", "Course: {name}"),
    "hq.central.title_field": ("课程名称", "Title"),
    "hq.central.teacher": ("授课老师", "Teacher"),
    "hq.central.venue": ("地点", "Venue"),
    "hq.central.organiser": ("主办单位", "Organiser"),
    "hq.central.capacity": ("名额（0 = 不限）", "Places (0 = no limit)"),
    "hq.central.minimum": ("结业要求：出勤比例", "Completes at attendance of"),
    "hq.central.certificate_title": ("证书名称", "Certificate"),
    "hq.central.sessions": ("课时", "Sessions"),
    "hq.central.new_sessions": ("增加课时", "Add sessions"),
    "hq.central.session_date": ("日期", "Date"),
    "hq.central.session_from": ("开始", "From"),
    "hq.central.session_to": ("结束", "To"),
    "hq.central.session_hours": ("学时（空 = 按时间算）", "Hours (empty: from the times)"),
    "hq.central.session_topic": ("主题", "Topic"),
    "hq.central.sessions_hint": (
        "已下发的课时由各驿站考勤、结课，不能在这里改；可以增加新的课时。",
        "Sessions already sent are the stations' to mark and close; you can add new ones.",
    ),
    "hq.central.course_cancelled": ("取消这个培训班", "Cancel this course"),
    "hq.central.of_station": (
        "中心下发给本站的活动和培训",
        "Campaigns and courses HQ sent to this station",
    ),
    "hq.central.bad_form": ("表单不完整，请重新打开。", "The form is incomplete; open it again."),
}
pages.words.add(WORDS)
auth.add_nav("hq.nav.central", "/hq/central", HQ_ADMIN, order=40)

Admin = Annotated[Account, Depends(auth.require(HQ_ADMIN))]
Many = Annotated[list[str], Form(max_length=200)]
UUID = r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$"


def _split(text: str) -> tuple[str, ...]:
    """Comma- or 、-separated words (full-width commas too)."""
    for mark in ("，", "、", ";", "；"):
        text = text.replace(mark, ",")
    return tuple(word.strip() for word in text.split(",") if word.strip())


def _whole(text: str, field: str, most: int = central.LIMIT_MAX) -> int | None:
    return central.number(text, field, most)


def _rows(*columns: list[str]) -> list[tuple[str, ...]]:
    """Form rows of several same-named inputs, as tuples (short columns padded)."""
    length = max((len(c) for c in columns), default=0)
    return [tuple(c[i] if i < len(c) else "" for c in columns) for i in range(length)]


def _station_section(
    request: Request, session: Db, account: Account, station: StationRow
) -> slots.Section | None:
    """On the one-station page: HQ's campaigns and courses this station takes part in."""
    found = [c for c in central.listing(session) if not c.stations or station.id in c.stations]
    if not found:
        return None
    return slots.Section("hq/central_station.html", {"items": found})


slots.add_station_section(_station_section)


# --- the list -----------------------------------------------------------------------------


@router.get("/hq/central")
def central_list(request: Request, session: Db, account: Admin) -> Response:
    return auth.console_page(
        request,
        account,
        "hq/central_list.html",
        campaigns=central.listing(session, "campaign"),
        courses=central.listing(session, "course"),
    )


# --- campaigns ----------------------------------------------------------------------------


def _campaign_form(
    request: Request,
    session: Db,
    account: Account,
    found: central.Central | None,
    values: dict[str, Any],
    error: str = "",
    status: int = 200,
    saved: bool = False,
) -> Response:
    return auth.console_page(
        request,
        account,
        "hq/central_campaign.html",
        status,
        found=found,
        values=values,
        error=error,
        saved=saved,
        stations=central.stations(session),
        item_rows=ITEM_ROWS,
        proofs=central.PROOFS,
    )


def _campaign_values(found: central.Central | None) -> dict[str, Any]:
    if found is None:
        return {
            "items": [],
            "stations": [],
            "active": True,
            "proof": "none",
            "refuse_when_out": False,
            "draft_id": central.new_id(),
        }
    rules = found.payload

    def shown(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "name": rules["name"],
        "starts_on": rules["starts_on"],
        "ends_on": rules["ends_on"],
        "items": [list(item) for item in found.items],
        "stations": list(found.stations),
        "tags": "，".join(rules.get("tags", ())),
        "occupations": "，".join(rules.get("occupations", ())),
        "max_per_person": shown(rules.get("max_per_person")),
        "max_per_day": shown(rules.get("max_per_day")),
        "min_interval": shown(rules.get("min_interval_minutes")),
        "proof": rules.get("proof", "none"),
        "refuse_when_out": bool(rules.get("refuse_when_out", False)),
        "active": rules.get("active", True),
        "version": found.version,
    }


@router.get("/hq/central/campaigns/new")
def new_campaign_form(request: Request, session: Db, account: Admin) -> Response:
    return _campaign_form(request, session, account, None, _campaign_values(None))


@router.get("/hq/central/campaigns/{campaign_id}")
def campaign_form(
    request: Request, session: Db, account: Admin, campaign_id: str, saved: int = 0
) -> Response:
    try:
        found = central.campaign(session, campaign_id[:36])
    except central.CentralError:
        return pages.error_page(request, 404)
    return _campaign_form(
        request, session, account, found, _campaign_values(found), saved=bool(saved)
    )


def _campaign_draft(
    name: str,
    starts_on: str,
    ends_on: str,
    item_name: list[str],
    item_unit: list[str],
    item_quantity: list[str],
    stations: list[str],
    tags: str,
    occupations: str,
    max_per_person: str,
    max_per_day: str,
    min_interval: str,
    proof: str,
    active: bool,
    refuse_when_out: bool = False,
) -> central.CampaignDraft:
    items = []
    for item, unit, quantity in _rows(item_name, item_unit, item_quantity):
        if not (item.strip() or unit.strip() or quantity.strip()):
            continue
        items.append(central.parse_item(f"{item}:{unit}:{quantity or '1'}"))
    return central.CampaignDraft(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        items=tuple(items),
        stations=tuple(stations),
        tags=_split(tags),
        occupations=_split(occupations),
        max_per_person=_whole(max_per_person, "max_per_person"),
        max_per_day=_whole(max_per_day, "max_per_day"),
        min_interval_minutes=_whole(min_interval, "min_interval_minutes"),
        proof=proof,
        refuse_when_out=refuse_when_out,
        active=active,
    )


@router.post("/hq/central/campaigns/{campaign_id}")
def save_campaign(
    request: Request,
    session: Db,
    account: Admin,
    campaign_id: str,
    name: Annotated[str, Form(max_length=300)] = "",
    starts_on: Annotated[str, Form(max_length=40)] = "",
    ends_on: Annotated[str, Form(max_length=40)] = "",
    item_name: Many = [],  # noqa: B006 (FastAPI copies form defaults)
    item_unit: Many = [],  # noqa: B006
    item_quantity: Many = [],  # noqa: B006
    stations: Many = [],  # noqa: B006
    tags: Annotated[str, Form(max_length=1000)] = "",
    occupations: Annotated[str, Form(max_length=1000)] = "",
    max_per_person: Annotated[str, Form(max_length=40)] = "",
    max_per_day: Annotated[str, Form(max_length=40)] = "",
    min_interval: Annotated[str, Form(max_length=40)] = "",
    proof: Annotated[str, Form(max_length=20)] = "none",
    refuse_when_out: Annotated[str, Form(max_length=10)] = "",
    active: Annotated[str, Form(max_length=10)] = "",
    version: Annotated[int, Form(ge=0, le=2**31)] = 0,
    draft_id: Annotated[str, Form(pattern=UUID)] = "",
) -> Response:
    """``new`` creates (with the form's ``draft_id``: sent twice, it is made once); an id
    saves a new version (``version``: the one the form showed)."""
    creating = campaign_id == "new"
    found = None if creating else _found(session, campaign_id, "campaign")
    if not creating and found is None:
        return pages.error_page(request, 404)
    values = {
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "items": [list(row) for row in _rows(item_name, item_unit, item_quantity)],
        "stations": stations,
        "tags": tags,
        "occupations": occupations,
        "max_per_person": max_per_person,
        "max_per_day": max_per_day,
        "min_interval": min_interval,
        "proof": proof,
        "refuse_when_out": bool(refuse_when_out),
        "active": bool(active) or creating,
        "version": version,
        "draft_id": draft_id,
    }
    try:
        # The same form sent again (Enter pressed twice, a reload): it was made once.
        if creating and draft_id and central.made_already(session, draft_id, "campaign"):
            return RedirectResponse(f"/hq/central/campaigns/{draft_id}?saved=1", status_code=303)
        draft = _campaign_draft(
            name, starts_on, ends_on, item_name, item_unit, item_quantity, stations, tags,
            occupations, max_per_person, max_per_day, min_interval, proof,
            bool(active) or creating, bool(refuse_when_out),
        )  # fmt: skip
        with session.begin_nested():  # a refusal half-way leaves nothing behind
            if creating:
                made = central.create_campaign(
                    session, request.app.state.key, draft, account.name, draft_id or None
                )
            else:
                made = central.update_campaign(
                    session, request.app.state.key, campaign_id, draft, account.name, version
                )
    except central.CentralError as error:
        text = error.text(pages.language(request))
        return _campaign_form(
            request, session, account, found, values, text, 409 if error.status == 409 else 400
        )
    audit.record(
        session,
        account,
        "central.campaign.create" if creating else "central.campaign.update",
        made.name,
        address=auth.address_of(request),
        id=made.id,
        version=made.version,
        stations=list(made.stations),
    )
    return RedirectResponse(f"/hq/central/campaigns/{made.id}?saved=1", status_code=303)


def _found(session: Db, entity_id: str, kind: str) -> central.Central | None:
    try:
        if kind == "campaign":
            return central.campaign(session, entity_id[:36])
        return central.course(session, entity_id[:36])
    except central.CentralError:
        return None


# --- courses ------------------------------------------------------------------------------


def _course_values(found: central.Central | None) -> dict[str, Any]:
    if found is None:
        return {
            "stations": [],
            "minimum": "80",
            "certificate_title": "结业证书",
            "sessions": [],
            "draft_id": central.new_id(),
        }
    data = found.payload
    minimum = data.get("rule_minimum", "0.8")
    try:
        shown_minimum = f"{float(minimum) * 100:g}" if data.get("rule_kind") == "share" else minimum
    except ValueError:
        shown_minimum = str(minimum)
    return {
        "title": data["title"],
        "teacher": data.get("teacher", ""),
        "venue": data.get("venue", ""),
        "organiser": data.get("organiser", ""),
        "capacity": str(data.get("capacity", 0)),
        "minimum": shown_minimum,
        "certificate_title": data.get("certificate_title", "结业证书"),
        "stations": list(found.stations),
        "cancelled": data.get("cancelled", False),
        "sessions": [],
        "version": found.version,
    }


def _course_form(
    request: Request,
    session: Db,
    account: Account,
    found: central.Central | None,
    values: dict[str, Any],
    error: str = "",
    status: int = 200,
    saved: bool = False,
) -> Response:
    return auth.console_page(
        request,
        account,
        "hq/central_course.html",
        status,
        found=found,
        values=values,
        error=error,
        saved=saved,
        stations=central.stations(session),
        session_rows=SESSION_ROWS if found is None else 2,
        titles=central.CERTIFICATE_TITLES,
    )


@router.get("/hq/central/courses/new")
def new_course_form(request: Request, session: Db, account: Admin) -> Response:
    return _course_form(request, session, account, None, _course_values(None))


@router.get("/hq/central/courses/{course_id}")
def course_form(
    request: Request, session: Db, account: Admin, course_id: str, saved: int = 0
) -> Response:
    found = _found(session, course_id, "course")
    if found is None:
        return pages.error_page(request, 404)
    return _course_form(request, session, account, found, _course_values(found), saved=bool(saved))


@router.post("/hq/central/courses/{course_id}")
def save_course(
    request: Request,
    session: Db,
    account: Admin,
    course_id: str,
    title: Annotated[str, Form(max_length=300)] = "",
    teacher: Annotated[str, Form(max_length=300)] = "",
    venue: Annotated[str, Form(max_length=300)] = "",
    organiser: Annotated[str, Form(max_length=300)] = "",
    capacity: Annotated[str, Form(max_length=40)] = "",
    minimum: Annotated[str, Form(max_length=40)] = "80",
    certificate_title: Annotated[str, Form(max_length=40)] = "结业证书",
    stations: Many = [],  # noqa: B006
    session_date: Many = [],  # noqa: B006
    session_from: Many = [],  # noqa: B006
    session_to: Many = [],  # noqa: B006
    session_hours: Many = [],  # noqa: B006
    session_topic: Many = [],  # noqa: B006
    cancelled: Annotated[str, Form(max_length=10)] = "",
    version: Annotated[int, Form(ge=0, le=2**31)] = 0,
    draft_id: Annotated[str, Form(pattern=UUID)] = "",
) -> Response:
    creating = course_id == "new"
    found = None if creating else _found(session, course_id, "course")
    if not creating and found is None:
        return pages.error_page(request, 404)
    rows = _rows(session_date, session_from, session_to, session_hours, session_topic)
    values = {
        "title": title,
        "teacher": teacher,
        "venue": venue,
        "organiser": organiser,
        "capacity": capacity,
        "minimum": minimum,
        "certificate_title": certificate_title,
        "stations": stations,
        "cancelled": bool(cancelled),
        "sessions": [list(row) for row in rows],
        "version": version,
        "draft_id": draft_id,
    }
    try:
        # The same form sent again (Enter pressed twice, a reload): it was made once.
        if creating and draft_id and central.made_already(session, draft_id, "course"):
            return RedirectResponse(f"/hq/central/courses/{draft_id}?saved=1", status_code=303)
        sessions = tuple(
            central.SessionDraft(day, start, end, hours, topic)
            for day, start, end, hours, topic in rows
            if day.strip() or start.strip() or end.strip()
        )
        share = minimum.strip().rstrip("%") or "80"
        draft = central.CourseDraft(
            title=title,
            sessions=sessions,
            stations=tuple(stations),
            teacher=teacher,
            venue=venue,
            organiser=organiser,
            capacity=_whole(capacity, "capacity", 100_000) or 0,
            rule_minimum=f"{share}%",
            certificate_title=certificate_title,
            cancelled=bool(cancelled),
        )
        with session.begin_nested():  # a refusal half-way leaves nothing behind
            if creating:
                made = central.create_course(
                    session, request.app.state.key, draft, account.name, draft_id or None
                )
            else:
                made = central.update_course(
                    session, request.app.state.key, course_id, draft, account.name, version
                )
    except central.CentralError as error:
        text = error.text(pages.language(request))
        return _course_form(
            request, session, account, found, values, text, 409 if error.status == 409 else 400
        )
    audit.record(
        session,
        account,
        "central.course.create" if creating else "central.course.update",
        made.name,
        address=auth.address_of(request),
        id=made.id,
        version=made.version,
        stations=list(made.stations),
        sessions=len(sessions),
    )
    return RedirectResponse(f"/hq/central/courses/{made.id}?saved=1", status_code=303)
