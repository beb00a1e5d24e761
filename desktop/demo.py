"""Generated demo data: made-up Chinese names, valid-looking phones, a year of visits.

Nothing here belongs to a real person: names are drawn from common surnames and given-name
characters, phones from mobile prefixes and random digits. Rows are written in bulk, one
transaction per batch of ``BATCH`` rows (with their outbox rows, as real registrations would
have). The engine's connections are in autocommit (``isolation_level = None``, so that
SQLAlchemy's "begin" event can say BEGIN IMMEDIATE), where ``sqlite3.Connection.commit`` does
nothing: each batch says BEGIN and COMMIT itself, or every row would be its own transaction.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from desktop.bootstrap import Desk
from desktop.domain.clock import local_date, to_iso
from desktop.domain.errors import InvalidInput, RuleViolation, SetupRequired
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext
from desktop.domain.people import format_member_number, phone_tail
from desktop.domain.pinyin import sort_key
from desktop.services.members.commands import search_keys
from desktop.storage.sync.outbox import payload_json
from desktop.storage.visits import tallies
from sync.protocol.events.members import MEMBER_REGISTERED, MemberPayload
from sync.protocol.events.visits import VISIT_RECORDED, VisitRecorded

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤单解查乐"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文博浩宇子轩欣怡梓涵"
    "一诺宇航俊杰晓东海燕红梅春花秋菊冬梅玉兰德明永强小龙小红家豪振华国庆卫东立新红军淑珍"
)
OCCUPATIONS = (
    ("外卖骑手", 30),
    ("快递员", 25),
    ("网约车司机", 10),
    ("货车司机", 8),
    ("环卫工人", 12),
    ("保安", 6),
    ("家政服务员", 5),
    ("其他", 4),
)
EMPLOYERS = {
    "外卖骑手": ("美团", "饿了么", "闪送"),
    "快递员": ("顺丰速运", "京东物流", "中通快递", "圆通速递", "韵达快递", "邮政EMS"),
    "网约车司机": ("滴滴出行", "T3出行", "曹操出行", "高德打车"),
    "货车司机": ("货拉拉", "满帮", "个体"),
    "环卫工人": ("区环卫所", "城市环境服务公司"),
    "保安": ("保安服务公司", "物业公司"),
    "家政服务员": ("家政服务公司", "个体"),
    "其他": ("个体", ""),
}
GIG = {"外卖骑手", "快递员", "网约车司机", "货车司机"}
PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)
SERVICE_WEIGHTS = (
    ("water", 60),
    ("rest", 55),
    ("charging", 30),
    ("warmth", 20),
    ("microwave", 15),
    ("toilet", 25),
    ("first_aid", 2),
    ("health_check", 3),
    ("legal_advice", 1),
    ("counselling", 1),
    ("reading", 5),
)
BATCH = 20_000
DEMO_FLAG = "demo_data"


@dataclass(frozen=True)
class DemoResult:
    members: int
    visits: int
    seconds: float


def _name(rng: random.Random) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)]
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def generate(
    desk: Desk,
    ctx: DeskContext,
    members: int,
    visits: int = 0,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
    add_to_existing: bool = False,
) -> DemoResult:
    """Fill a desk with made-up people and visits.

    Refused on a desk that already holds members or visits, unless ``add_to_existing``:
    demo people must not mix with real ones. The desk is marked as holding demo data
    (setting ``demo_data``), so that sync can refuse to send it to a real server.
    """
    if members < 0 or visits < 0:
        raise InvalidInput("demo.negative", field="members")
    if not members:
        visits = 0  # visits go to the people made in the same run
    started = datetime.now(UTC)
    occupations = [o for o, _ in OCCUPATIONS]
    occupation_weights = [w for _, w in OCCUPATIONS]
    with desk.uow() as uow:
        device = uow.device.get()
        if device is None:
            raise SetupRequired()
        held = uow.session.execute(
            text("SELECT (SELECT count(*) FROM member) + (SELECT count(*) FROM visit)")
        ).scalar_one()
        if held and not add_to_existing and not uow.settings.get(DEMO_FLAG):
            raise RuleViolation("demo.not_empty")
        first_seq = uow.device.take_member_seq(members) if members else 0
        uow.settings.set(DEMO_FLAG, True)
        uow.commit()
    # Same seed, same people; a second run on one desk makes new people, not twins.
    rng = random.Random(f"{seed}-{first_seq}")
    now = datetime.now(UTC)
    keys_cache: dict[str, list[str]] = {}
    member_ids: list[str] = []
    raw = desk.engine.raw_connection()
    try:
        cursor = raw.cursor()
        done = 0
        while done < members:
            size = min(BATCH, members - done)
            cursor.execute("BEGIN IMMEDIATE")
            member_rows: list[tuple[Any, ...]] = []
            key_rows: list[tuple[str, str]] = []
            outbox_rows: list[tuple[Any, ...]] = []
            for i in range(done, done + size):
                member_id = new_id()
                member_ids.append(member_id)
                name = _name(rng)
                occupation = rng.choices(occupations, occupation_weights)[0]
                phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
                tags = []
                if occupation in GIG and rng.random() < 0.7:
                    tags.append("新就业形态劳动者")
                if rng.random() < 0.06:
                    tags.append("困难职工")
                number = format_member_number(device.code, first_seq + i)
                at = to_iso(now - timedelta(days=rng.uniform(0, 730)))
                tags_json = json.dumps(tags, ensure_ascii=False)
                employer = rng.choice(EMPLOYERS[occupation])
                member_rows.append(
                    (
                        member_id,
                        number,
                        name,
                        sort_key(name),
                        phone,
                        phone_tail(phone),
                        occupation,
                        employer,
                        "",
                        tags_json,
                        at,
                        ctx.station_id,
                        ctx.device_id,
                        ctx.operator_id,
                        at,
                        at,
                    )
                )
                if name not in keys_cache:
                    keys_cache[name] = sorted(search_keys(name, ""))
                key_rows.extend((k, member_id) for k in keys_cache[name])
                key_rows.append((number.replace("-", "").lower(), member_id))
                payload = MemberPayload(
                    member_number=number,
                    name=name,
                    phone=phone,
                    occupation=occupation,
                    employer=employer,
                    tags=tuple(tags),
                    consent_at=at,
                )
                outbox_rows.append(
                    (
                        new_id(),
                        MEMBER_REGISTERED.name,
                        member_id,
                        payload_json(MEMBER_REGISTERED, payload),
                        ctx.station_id,
                        ctx.device_id,
                        ctx.operator_id,
                        at,
                    )
                )
            cursor.executemany(
                "INSERT INTO member (id, member_number, name, name_sort, phone, phone_tail, "
                "occupation, employer, union_branch, tags, consent_at, station_id, device_id, "
                "operator_id, device_time, updated_at, active, version) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,1)",
                member_rows,
            )
            cursor.executemany(
                "INSERT OR IGNORE INTO member_search_key (key, member_id) VALUES (?,?)", key_rows
            )
            _insert_outbox(cursor, outbox_rows)
            cursor.execute("COMMIT")
            done += size
            if progress:
                progress(done, members + visits)
        _generate_visits(cursor, rng, ctx, member_ids, visits, now, members, progress)
    except BaseException:
        if raw.dbapi_connection is not None and raw.dbapi_connection.in_transaction:
            cursor.execute("ROLLBACK")  # the batch being written; earlier batches stay
        raise
    finally:
        raw.close()
    seconds = (datetime.now(UTC) - started).total_seconds()
    return DemoResult(members=members, visits=visits, seconds=round(seconds, 1))


def _insert_outbox(cursor: Any, rows: Sequence[tuple[Any, ...]]) -> None:
    cursor.executemany(
        "INSERT INTO outbox (event_id, kind, entity_id, payload, station_id, device_id, "
        "operator_id, device_time) VALUES (?,?,?,?,?,?,?,?)",
        rows,
    )


def _generate_visits(
    cursor: Any,
    rng: random.Random,
    ctx: DeskContext,
    member_ids: list[str],
    visits: int,
    now: datetime,
    offset: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    if not visits or not member_ids:
        return
    # A few regulars come often, most people now and then: pick by a skewed index.
    regulars = max(1, len(member_ids) // 20)
    services = [s for s, _ in SERVICE_WEIGHTS]
    weights = [w for _, w in SERVICE_WEIGHTS]
    moments = sorted(now - timedelta(days=rng.uniform(0, 365)) for _ in range(visits))
    done = 0
    while done < visits:
        size = min(BATCH, visits - done)
        cursor.execute("BEGIN IMMEDIATE")
        visit_rows: list[tuple[Any, ...]] = []
        outbox_rows = []
        for moment in moments[done : done + size]:
            moment = moment.replace(hour=rng.choice(range(7, 21)))
            if moment > now:
                moment = now
            if rng.random() < 0.04:
                member_id = None
                occupation: str | None = rng.choice(list(EMPLOYERS))
            else:
                pool = regulars if rng.random() < 0.5 else len(member_ids)
                member_id = member_ids[rng.randrange(pool)]
                occupation = None
            used = sorted(set(rng.choices(services, weights, k=rng.choice((1, 1, 2, 2, 3)))))
            visit_id, at, day = new_id(), to_iso(moment), local_date(moment)
            visit_rows.append(
                (
                    visit_id,
                    member_id,
                    occupation,
                    json.dumps(used),
                    ctx.station_id,
                    ctx.device_id,
                    ctx.operator_id,
                    at,
                    day,
                )
            )
            visit = VisitRecorded(
                member_id=member_id, occupation=occupation, services=tuple(used), local_date=day
            )
            outbox_rows.append(
                (
                    new_id(),
                    VISIT_RECORDED.name,
                    visit_id,
                    payload_json(VISIT_RECORDED, visit),
                    ctx.station_id,
                    ctx.device_id,
                    ctx.operator_id,
                    at,
                )
            )
        cursor.executemany(
            "INSERT INTO visit (id, member_id, occupation, services, station_id, device_id, "
            "operator_id, device_time, local_date) VALUES (?,?,?,?,?,?,?,?,?)",
            visit_rows,
        )
        _insert_outbox(cursor, outbox_rows)
        # The days this batch wrote to, tallied again from their visits (tallies.py).
        days = {"first": min(r[8] for r in visit_rows), "last": max(r[8] for r in visit_rows)}
        for statement in tallies.REBUILD_STATEMENTS:
            cursor.execute(statement, days)
        cursor.execute("COMMIT")
        done += size
        if progress:
            progress(offset + done, offset + visits)
