"""Aid campaigns and courses made at HQ, sent to the stations' desks.

HQ (the console or ``waystation-server campaign|course create``) makes the same events a
desk makes for its own campaigns and courses (``item.created``, ``campaign.created`` /
``.updated``, ``course.created`` / ``.updated``, ``session.added``; kinds declared
``Author.EITHER``), but as the server: device ``SERVER_DEVICE_ID``, signed with the server's
key (``log.server_event``). Every desk pulls them with the campaigns and courses datasets and
applies them with its usual appliers, so a central campaign has stock, limits, eligibility
and handouts at the desk exactly like a local one; the desk marks it 中心下发 and does not
edit it (two stations editing one campaign would diverge). A desk that pushes an edit of a
central record is refused (``central_record``, see ``held``).

Every desk receives every central record (the campaigns dataset is not filtered per
station): a station added later, or removed, learns it from the next update alone. The
desks show a campaign or course only at the stations taking part (``stations``; empty:
every station), and a handout elsewhere is refused ``not_here``.

``central_record`` keeps the newest payload of each, so an update starts from what the
desks have and raises the version by one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import SERVER_DEVICE_ID
from sync.protocol.contract import Payload
from sync.protocol.events.aid import (
    CAMPAIGN_CREATED,
    CAMPAIGN_UPDATED,
    ITEM_CREATED,
    CampaignRules,
    ItemLine,
    ItemPayload,
)
from sync.protocol.events.training import (
    COURSE_CREATED,
    COURSE_UPDATED,
    SESSION_ADDED,
    CoursePayload,
    SessionPayload,
)
from sync.server import log
from sync.server.models import CentralRow, StationRow
from sync.server.signing import ServerKey

# Kinds a desk may not push for a record HQ made: its definition is HQ's alone.
GUARDED_KINDS = frozenset(
    {
        "item.created",
        "campaign.created",
        "campaign.updated",
        "course.created",
        "course.updated",
        "session.added",
        "session.updated",
    }
)
PROOFS = ("none", "code", "signature")
CERTIFICATE_TITLES = ("结业证书", "培训证书", "荣誉证书")
LIMIT_MAX = 10**7
QUANTITY_MAX = 100_000

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("请填写{field}。", "Please fill in {field}."),
    "too_long": ("{field}最多 {max} 个字。", "{field} takes at most {max} characters."),
    "bad_date": (
        "{field}不是有效日期：{text}（请写成 2026-12-01）。",
        "{field} is not a date: {text} (write it as 2026-12-01).",
    ),
    "dates_reversed": ("结束日期早于开始日期。", "The end date is before the start date."),
    "no_items": ("请至少填写一种物资。", "Please give at least one item."),
    "bad_item": (
        "物资写法不对：{text}（请写成 名称:单位:数量，如 矿泉水:箱:1）。",
        "An item is not written right: {text} (write name:unit:quantity, e.g. water:case:1).",
    ),
    "bad_number": (
        "{field}应为 1 到 {max} 的整数：{text}",
        "{field} must be a whole number from 1 to {max}: {text}",
    ),
    "bad_choice": ("{field}只能是：{choices}", "{field} must be one of: {choices}"),
    "unknown_station": ("没有这个驿站：{ref}", "There is no station {ref}."),
    "not_found": ("没有这个中心下发的记录：{ref}", "No central record {ref}."),
    "bad_session": (
        "课时写法不对：{text}（请写成 2026-12-05 09:00-11:00，可加学时和主题）。",
        "A session is not written right: {text} (write 2026-12-05 09:00-11:00, then hours "
        "and topic if you like).",
    ),
    "bad_hours": ("学时不对：{text}", "The hours are not right: {text}"),
    "changed": (
        "这条记录刚被别人改过，请重新打开再改。",
        "Someone changed this record meanwhile: open it again and redo your change.",
    ),
}
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("名称", "the name"),
    "title": ("课程名称", "the title"),
    "starts_on": ("开始日期", "the start date"),
    "ends_on": ("结束日期", "the end date"),
    "items": ("物资", "the items"),
    "quantity": ("数量", "the quantity"),
    "max_per_person": ("每人次数上限", "the limit per person"),
    "max_per_day": ("每人每天上限", "the limit per day"),
    "min_interval_minutes": ("最短间隔（分钟）", "the minimum interval (minutes)"),
    "proof": ("领取凭证", "the proof of receipt"),
    "tags": ("标签", "a tag"),
    "occupations": ("职业", "an occupation"),
    "venue": ("地点", "the venue"),
    "teacher": ("授课老师", "the teacher"),
    "organiser": ("主办单位", "the organiser"),
    "category": ("类别", "the category"),
    "capacity": ("名额", "the capacity"),
    "certificate_title": ("证书名称", "the certificate title"),
    "rule_minimum": ("结业要求", "the completion requirement"),
    "sessions": ("课时", "the sessions"),
}


class CentralError(Exception):
    """Refused input, with a code and parameters: ``text(language)`` words it."""

    def __init__(self, code: str, status: int = 400, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params

    def text(self, language: str = "en") -> str:
        zh, en = MESSAGES[self.code]
        params = dict(self.params)
        if "field" in params:
            names = FIELDS.get(str(params["field"]), (str(params["field"]),) * 2)
            params["field"] = names[0] if language == "zh" else names[1]
        return (zh if language == "zh" else en).format(**params)

    @property
    def message(self) -> str:
        return self.text("en")


# --- what HQ types ------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDraft:
    name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class CampaignDraft:
    name: str
    starts_on: str
    ends_on: str
    items: tuple[ItemDraft, ...]
    stations: tuple[str, ...] = ()  # station ids or names; empty: every station
    tags: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    max_per_person: int | None = None
    max_per_day: int | None = None
    min_interval_minutes: int | None = None
    proof: str = "none"
    # A handout beyond the stock of the desk making it is refused there (the server never
    # judges stock: each desk's shelf is its own).
    refuse_when_out: bool = False
    active: bool = True


@dataclass(frozen=True)
class SessionDraft:
    on_date: str
    starts_at: str
    ends_at: str
    hours: str = ""
    topic: str = ""


@dataclass(frozen=True)
class CourseDraft:
    title: str
    sessions: tuple[SessionDraft, ...] = ()
    stations: tuple[str, ...] = ()
    category: str = ""
    organiser: str = ""
    venue: str = ""
    teacher: str = ""
    capacity: int = 0
    rule_kind: str = "share"
    rule_minimum: str = "0.8"
    late_counts: str = "full"
    grace_minutes: int = 10
    walk_ins: str = "offer"
    certificate_title: str = "结业证书"
    cancelled: bool = False


@dataclass(frozen=True)
class Central:
    """One central campaign or course as HQ sees it."""

    id: str
    kind: str  # campaign, course
    name: str
    version: int
    stations: tuple[str, ...]  # ids; empty: every station
    station_names: tuple[str, ...]
    made_by: str
    created_at: datetime
    updated_at: datetime
    payload: dict[str, Any]
    items: tuple[tuple[str, str, int], ...] = ()  # campaigns: (name, unit, quantity)
    sessions: tuple[dict[str, Any], ...] = ()  # courses: each session's payload

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "version": self.version,
            "stations": list(self.stations),
            "station_names": list(self.station_names),
            "made_by": self.made_by,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "rules": self.payload,
            "items": [{"name": n, "unit": u, "quantity": q} for n, u, q in self.items],
            "sessions": list(self.sessions),
        }


# --- checking -----------------------------------------------------------------------------


def _text(value: str, field_: str, most: int, required: bool = False) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise CentralError("required", field=field_)
    if len(value) > most:
        raise CentralError("too_long", field=field_, max=most)
    if "\x00" in value:
        raise CentralError("required", field=field_)
    return value


def _day(value: str, field_: str) -> str:
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise CentralError("bad_date", field=field_, text=value.strip()[:20]) from None


def _limit(value: int | None, field_: str, most: int = LIMIT_MAX) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= most:
        raise CentralError("bad_number", field=field_, max=most, text=str(value)[:20])
    return value


def number(text: str, field_: str, most: int = LIMIT_MAX) -> int | None:
    """A typed whole number (full-width digits too); empty: None."""
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        return None
    if not cleaned.isdigit() or len(cleaned) > 9 or not 1 <= int(cleaned) <= most:
        raise CentralError("bad_number", field=field_, max=most, text=text.strip()[:20])
    return int(cleaned)


def parse_item(text: str) -> ItemDraft:
    """``name:unit:quantity`` (full-width colons too), e.g. ``矿泉水:箱:1``."""
    parts = [p.strip() for p in text.replace("：", ":").split(":")]
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise CentralError("bad_item", text=text.strip()[:60])
    quantity = number(parts[2], "quantity", QUANTITY_MAX)
    if quantity is None:
        raise CentralError("bad_item", text=text.strip()[:60])
    return ItemDraft(parts[0], parts[1], quantity)


def parse_session(text: str) -> SessionDraft:
    """``2026-12-05 09:00-11:00 [hours] [topic…]``."""
    parts = text.replace("：", ":").split()
    if len(parts) < 2 or "-" not in parts[1]:
        raise CentralError("bad_session", text=text.strip()[:60])
    starts, _, ends = parts[1].partition("-")
    hours, topic = "", parts[2:]
    if topic and _is_hours(topic[0]):
        hours, topic = topic[0], topic[1:]
    return SessionDraft(parts[0], starts, ends, hours, " ".join(topic))


def _is_hours(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _station_ids(session: Session, refs: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for ref in refs:
        ref = ref.strip()
        if not ref:
            continue
        row = session.get(StationRow, ref) or session.scalar(
            select(StationRow).where(StationRow.name == ref)
        )
        if row is None:
            raise CentralError("unknown_station", ref=ref[:60])
        if row.id not in found:
            found.append(row.id)
    return tuple(found)


def _names(session: Session, station_ids: tuple[str, ...]) -> tuple[str, ...]:
    if not station_ids:
        return ()
    rows = session.execute(
        select(StationRow.id, StationRow.name).where(StationRow.id.in_(station_ids))
    ).all()
    names = {station_id: name for station_id, name in rows}
    return tuple(names.get(s, s) for s in station_ids)


def _tags(values: tuple[str, ...], field_: str) -> tuple[str, ...]:
    cleaned = [_text(v, field_, 100) for v in values]
    return tuple(dict.fromkeys(v for v in cleaned if v))


# --- storing and sending ------------------------------------------------------------------


def _send(session: Session, row: dict[str, Any]) -> None:
    """Into the log, signed (``log.server_event`` made the row): desks pull it."""
    log.append(session, [row])


def _keep(
    session: Session,
    entity_id: str,
    kind: str,
    name: str,
    payload: Payload,
    version: int,
    made_by: str,
    parent_id: str | None = None,
) -> CentralRow:
    at = log.now()
    text = log.canonical(_plain(payload))
    row = session.get(CentralRow, entity_id)
    if row is None:
        row = CentralRow(
            entity_id=entity_id,
            kind=kind,
            name=name[:100],
            parent_id=parent_id,
            payload=text,
            version=version,
            made_by=made_by[:60],
            created_at=at,
            updated_at=at,
        )
        session.add(row)
    else:
        row.name, row.payload, row.version, row.updated_at = name[:100], text, version, at
    session.flush()
    return row


def _plain(payload: Payload) -> dict[str, Any]:
    import msgspec

    data: dict[str, Any] = msgspec.to_builtins(payload)
    return data


def _new_id() -> str:
    from uuid6 import uuid7

    return str(uuid7())


def _item_id(session: Session, key: ServerKey, item: ItemDraft, made_by: str) -> str:
    """The central item of that name and unit, made (and sent) the first time."""
    name = _text(item.name, "items", 40, required=True)
    unit = _text(item.unit, "items", 10, required=True)
    for row in session.scalars(
        select(CentralRow).where(CentralRow.kind == "item", CentralRow.name == name)
    ):
        if json.loads(row.payload).get("unit") == unit:
            return row.entity_id
    item_id = _new_id()
    payload = ItemPayload(name=name, unit=unit, version=1)
    _send(session, log.server_event(ITEM_CREATED, item_id, payload, key))
    _keep(session, item_id, "item", name, payload, 1, made_by)
    return item_id


def _rules(
    session: Session, key: ServerKey, draft: CampaignDraft, version: int, made_by: str
) -> CampaignRules:
    name = _text(draft.name, "name", 60, required=True)
    starts_on = _day(draft.starts_on, "starts_on")
    ends_on = _day(draft.ends_on, "ends_on")
    if ends_on < starts_on:
        raise CentralError("dates_reversed")
    if not draft.items:
        raise CentralError("no_items")
    if draft.proof not in PROOFS:
        raise CentralError("bad_choice", field="proof", choices=", ".join(PROOFS))
    max_per_person = _limit(draft.max_per_person, "max_per_person")
    max_per_day = _limit(draft.max_per_day, "max_per_day")
    interval = _limit(draft.min_interval_minutes, "min_interval_minutes")
    stations = _station_ids(session, draft.stations)
    tags = _tags(draft.tags, "tags")
    occupations = _tags(draft.occupations, "occupations")
    for item in draft.items:
        _limit(item.quantity, "items", QUANTITY_MAX)
    package: dict[str, int] = {}
    for item in draft.items:
        item_id = _item_id(session, key, item, made_by)
        package[item_id] = package.get(item_id, 0) + item.quantity
    return CampaignRules(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        package=tuple(ItemLine(item_id=i, quantity=q) for i, q in package.items()),
        stations=stations,
        tags=tags,
        occupations=occupations,
        max_per_person=max_per_person,
        max_per_day=max_per_day,
        min_interval_minutes=interval,
        proof=draft.proof,
        refuse_when_out=draft.refuse_when_out,
        active=draft.active,
        version=version,
    )


def create_campaign(
    session: Session,
    key: ServerKey,
    draft: CampaignDraft,
    made_by: str,
    campaign_id: str | None = None,
) -> Central:
    """A new central campaign (and the items it names that HQ had not made yet).
    ``campaign_id``: the id the form was given (a form sent twice makes one campaign: see
    ``made_already``)."""
    campaign_id = campaign_id or _new_id()
    rules = _rules(session, key, draft, 1, made_by)
    _send(session, log.server_event(CAMPAIGN_CREATED, campaign_id, rules, key))
    _keep(session, campaign_id, "campaign", rules.name, rules, 1, made_by)
    return campaign(session, campaign_id)


def update_campaign(
    session: Session,
    key: ServerKey,
    campaign_id: str,
    draft: CampaignDraft,
    made_by: str,
    version: int | None = None,
) -> Central:
    """A new version of a central campaign (a limit raised, a station added, closed …);
    ``version``: the one the form showed (refused when someone saved another meanwhile)."""
    row = _row(session, campaign_id, "campaign", lock=True)
    if version is not None and version != row.version:
        raise CentralError("changed", status=409)
    rules = _rules(session, key, draft, row.version + 1, made_by)
    _send(session, log.server_event(CAMPAIGN_UPDATED, campaign_id, rules, key))
    _keep(session, campaign_id, "campaign", rules.name, rules, rules.version, made_by)
    return campaign(session, campaign_id)


def draft_of(found: Central) -> CampaignDraft:
    """The draft that saves a central campaign as it is (to change a field or two)."""
    rules = found.payload
    return CampaignDraft(
        name=str(rules["name"]),
        starts_on=str(rules["starts_on"]),
        ends_on=str(rules["ends_on"]),
        items=tuple(ItemDraft(n, u, q) for n, u, q in found.items),
        stations=found.stations,
        tags=tuple(rules.get("tags", ())),
        occupations=tuple(rules.get("occupations", ())),
        max_per_person=rules.get("max_per_person"),
        max_per_day=rules.get("max_per_day"),
        min_interval_minutes=rules.get("min_interval_minutes"),
        proof=str(rules.get("proof", "none")),
        refuse_when_out=bool(rules.get("refuse_when_out", False)),
        active=bool(rules.get("active", True)),
    )


def _row(session: Session, entity_id: str, kind: str, lock: bool = False) -> CentralRow:
    query = select(CentralRow).where(CentralRow.entity_id == entity_id, CentralRow.kind == kind)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise CentralError("not_found", status=404, ref=entity_id[:40])
    return row


def campaign(session: Session, campaign_id: str) -> Central:
    row = _row(session, campaign_id, "campaign")
    rules = json.loads(row.payload)
    items: list[tuple[str, str, int]] = []
    for line in rules.get("package", []):
        item = session.get(CentralRow, line["item_id"])
        data = json.loads(item.payload) if item is not None else {"name": "?", "unit": ""}
        items.append((str(data["name"]), str(data["unit"]), int(line["quantity"])))
    stations = tuple(rules.get("stations", ()))
    return Central(
        id=row.entity_id,
        kind="campaign",
        name=row.name,
        version=row.version,
        stations=stations,
        station_names=_names(session, stations),
        made_by=row.made_by,
        created_at=log.aware(row.created_at),
        updated_at=log.aware(row.updated_at),
        payload=rules,
        items=tuple(items),
    )


# --- courses ------------------------------------------------------------------------------


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _clock(text: str) -> str:
    parts = text.strip().replace("：", ":").split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(text)
    return f"{hour:02d}:{minute:02d}"


def _hours(text: str) -> str:
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        raise CentralError("bad_hours", text=text.strip()[:20]) from None
    if not hours.is_finite() or hours <= 0 or hours > 10_000:
        raise CentralError("bad_hours", text=text.strip()[:20])
    return str(hours.normalize())


def _session_fields(draft: SessionDraft) -> dict[str, Any]:
    written = f"{draft.on_date} {draft.starts_at}-{draft.ends_at}"
    on_date = _day(draft.on_date, "sessions")
    try:
        starts, ends = _clock(draft.starts_at), _clock(draft.ends_at)
    except ValueError:
        raise CentralError("bad_session", text=written[:60]) from None
    if _minutes(ends) <= _minutes(starts):
        raise CentralError("bad_session", text=written[:60])
    if draft.hours.strip():
        hours = _hours(draft.hours)
    else:  # whole half hours between start and end, as a desk does
        halves = Decimal((_minutes(ends) - _minutes(starts)) // 30) / 2
        hours = str(halves.normalize() or Decimal("0.5"))
    return {
        "on_date": on_date,
        "starts_at": starts,
        "ends_at": ends,
        "hours": hours,
        "topic": _text(draft.topic, "sessions", 100),
    }


def _stamp(at: str) -> dict[str, Any]:
    return {
        "station_id": SERVER_DEVICE_ID,
        "device_id": SERVER_DEVICE_ID,
        "device_time": at,
        "operator_id": None,
        "updated_at": at,
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _course_payload(
    session: Session, course_id: str, draft: CourseDraft, version: int, at: str
) -> CoursePayload:
    if draft.rule_kind not in ("share", "hours"):
        raise CentralError("bad_choice", field="rule_minimum", choices="share, hours")
    try:
        minimum = Decimal(draft.rule_minimum.strip().rstrip("%"))
    except InvalidOperation:
        raise CentralError("bad_hours", text=draft.rule_minimum[:20]) from None
    if draft.rule_minimum.strip().endswith("%"):
        minimum = minimum / 100
    if not minimum.is_finite() or minimum <= 0 or (draft.rule_kind == "share" and minimum > 1):
        raise CentralError("bad_hours", text=draft.rule_minimum[:20])
    if draft.certificate_title not in CERTIFICATE_TITLES:
        raise CentralError(
            "bad_choice", field="certificate_title", choices="、".join(CERTIFICATE_TITLES)
        )
    if not 0 <= draft.capacity <= 100_000:
        raise CentralError("bad_number", field="capacity", max=100_000, text=str(draft.capacity))
    return CoursePayload(
        **_stamp(at),
        id=course_id,
        title=_text(draft.title, "title", 100, required=True),
        category=_text(draft.category, "category", 30),
        organiser=_text(draft.organiser, "organiser", 100),
        venue=_text(draft.venue, "venue", 100),
        teacher=_text(draft.teacher, "teacher", 50),
        capacity=draft.capacity,
        hours="0",
        rule_kind=draft.rule_kind,
        rule_minimum=str(minimum.normalize()),
        late_counts=draft.late_counts if draft.late_counts in ("full", "half") else "full",
        grace_minutes=max(0, min(600, draft.grace_minutes)),
        walk_ins=draft.walk_ins if draft.walk_ins in ("offer", "refuse") else "offer",
        certificate_title=draft.certificate_title,
        cancelled=draft.cancelled,
        version=version,
        stations=_station_ids(session, draft.stations),
    )


def _add_sessions(
    session: Session,
    key: ServerKey,
    course_id: str,
    drafts: tuple[SessionDraft, ...],
    made_by: str,
    at: str,
) -> None:
    fields = [_session_fields(d) for d in drafts]  # all checked before any is sent
    for values in sorted(fields, key=lambda f: (f["on_date"], f["starts_at"])):
        session_id = _new_id()
        payload = SessionPayload(**_stamp(at), id=session_id, course_id=course_id, **values)
        _send(session, log.server_event(SESSION_ADDED, session_id, payload, key))
        name = f"{values['on_date']} {values['starts_at']}"
        _keep(session, session_id, "session", name, payload, 1, made_by, parent_id=course_id)


def create_course(
    session: Session,
    key: ServerKey,
    draft: CourseDraft,
    made_by: str,
    course_id: str | None = None,
) -> Central:
    """A new central course with its sessions (``course_id``: as for a campaign)."""
    course_id = course_id or _new_id()
    at = _iso(log.now())
    payload = _course_payload(session, course_id, draft, 1, at)
    for draft_session in draft.sessions:  # a bad session refuses the course before anything
        _session_fields(draft_session)  # is sent
    _send(session, log.server_event(COURSE_CREATED, course_id, payload, key))
    _keep(session, course_id, "course", payload.title, payload, 1, made_by)
    _add_sessions(session, key, course_id, draft.sessions, made_by, at)
    return course(session, course_id)


def update_course(
    session: Session,
    key: ServerKey,
    course_id: str,
    draft: CourseDraft,
    made_by: str,
    version: int | None = None,
) -> Central:
    """A new version of a central course (title, stations, cancelled …); ``draft.sessions``
    are added to those it has (a session sent once is the desks' to hold and close)."""
    row = _row(session, course_id, "course", lock=True)
    if version is not None and version != row.version:
        raise CentralError("changed", status=409)
    at = _iso(log.now())
    payload = _course_payload(session, course_id, draft, row.version + 1, at)
    for draft_session in draft.sessions:
        _session_fields(draft_session)
    _send(session, log.server_event(COURSE_UPDATED, course_id, payload, key))
    _keep(session, course_id, "course", payload.title, payload, payload.version, made_by)
    _add_sessions(session, key, course_id, draft.sessions, made_by, at)
    return course(session, course_id)


def course_draft_of(found: Central) -> CourseDraft:
    """The draft that saves a central course as it is (no new sessions)."""
    data = found.payload
    return CourseDraft(
        title=str(data["title"]),
        stations=found.stations,
        category=str(data.get("category", "")),
        organiser=str(data.get("organiser", "")),
        venue=str(data.get("venue", "")),
        teacher=str(data.get("teacher", "")),
        capacity=int(data.get("capacity", 0)),
        rule_kind=str(data.get("rule_kind", "share")),
        rule_minimum=str(data.get("rule_minimum", "0.8")),
        late_counts=str(data.get("late_counts", "full")),
        grace_minutes=int(data.get("grace_minutes", 10)),
        walk_ins=str(data.get("walk_ins", "offer")),
        certificate_title=str(data.get("certificate_title", "结业证书")),
        cancelled=bool(data.get("cancelled", False)),
    )


def course(session: Session, course_id: str) -> Central:
    row = _row(session, course_id, "course")
    data = json.loads(row.payload)
    sessions = session.scalars(
        select(CentralRow)
        .where(CentralRow.kind == "session", CentralRow.parent_id == course_id)
        .order_by(CentralRow.name)
    ).all()
    stations = tuple(data.get("stations", ()))
    return Central(
        id=row.entity_id,
        kind="course",
        name=row.name,
        version=row.version,
        stations=stations,
        station_names=_names(session, stations),
        made_by=row.made_by,
        created_at=log.aware(row.created_at),
        updated_at=log.aware(row.updated_at),
        payload=data,
        sessions=tuple(json.loads(s.payload) for s in sessions),
    )


def listing(session: Session, kind: str | None = None) -> list[Central]:
    """Every central campaign and course (newest first)."""
    kinds = (kind,) if kind else ("campaign", "course")
    rows = session.scalars(
        select(CentralRow)
        .where(CentralRow.kind.in_(kinds))
        .order_by(CentralRow.created_at.desc(), CentralRow.entity_id.desc())
    ).all()
    return [
        campaign(session, r.entity_id) if r.kind == "campaign" else course(session, r.entity_id)
        for r in rows
    ]


def stations(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every station, by name: what a form offers."""
    rows = session.execute(select(StationRow.id, StationRow.name).order_by(StationRow.name))
    return [(str(a), str(b)) for a, b in rows]


def new_id() -> str:
    """An id for a form that creates a record (sent with it, so a second submission of the
    same form finds the first)."""
    return _new_id()


def made_already(session: Session, entity_id: str, kind: str) -> bool:
    row = session.get(CentralRow, entity_id)
    if row is not None and row.kind != kind:
        raise CentralError("not_found", status=404, ref=entity_id[:40])
    return row is not None


def held(session: Session, entity_ids: list[str]) -> set[str]:
    """Those of ``entity_ids`` that are central records (a desk may not redefine them)."""
    if not entity_ids:
        return set()
    rows = session.scalars(
        select(CentralRow.entity_id).where(CentralRow.entity_id.in_(set(entity_ids)))
    )
    return set(rows)
