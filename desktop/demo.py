"""Generated demo data: made-up Chinese names, valid-looking phones, a year of visits.

Nothing here belongs to a real person: names are drawn from common surnames and given-name
characters, phones from mobile prefixes and random digits. The desk it leaves is the one real
use would have made: each member with the search keys, first revision and
``member.registered`` outbox event that registering at the desk writes, each visit with its
``visit.recorded`` event and its day's tallies (``visit_tally``), the payloads in the very text
`payload_json` gives them (tests/integration/test_demo.py holds all of it to the desk's own
write path). A desk holding demo data never enrols (``sync.demo_desk``), so these events stay
in its outbox.

It is written as a bulk load (200,000 members and 1,000,000 visits: 65 s of CPU on the
2-core bench machine, where plain inserts of as many bare rows take 6.4 s; the rest is making
the rows and keeping the desk's indexes and keys; python -m bench.generate): rows are made in Python
and inserted with executemany, ``BATCH`` rows (with their outbox rows) a transaction; pinyin
is read once per name; ids are made in bulk (`new_ids`); visit payloads are filled into
their template. The engine's connections are in autocommit (``isolation_level = None``, so
that SQLAlchemy's "begin" event can say BEGIN IMMEDIATE), where ``sqlite3.Connection.commit``
does nothing: each batch says BEGIN and COMMIT itself. Batches commit at
``synchronous=NORMAL`` (no fsync; WAL keeps the file consistent through a power cut) and the
run ends with a checkpoint at FULL that makes all of it durable.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import text

from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput, RuleViolation, SetupRequired
from desktop.domain.ids import new_ids
from desktop.domain.model import DeskContext
from desktop.domain.people import format_member_number
from desktop.services.members.commands import name_keys_and_sort_key, payload_of
from desktop.storage.database import RELAXED
from desktop.storage.members.bulk import insert_registrations
from desktop.storage.members.tables import MemberRow
from desktop.storage.sync.outbox import payload_json
from desktop.storage.visits import tallies
from sync.protocol.events.members import MEMBER_REGISTERED
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
ANONYMOUS_OCCUPATIONS = tuple(EMPLOYERS)  # what a visitor who declines to register is noted as
PEOPLE = tallies.Kind.PEOPLE.value
SERVICES_PER_VISIT = (1, 1, 2, 2, 3)  # services picked (by weight; the same one may come twice)
BATCH = 50_000
DEMO_FLAG = "demo_data"
REGISTERED_OVER_DAYS = 730  # members registered over the last two years
VISITED_OVER_DAYS = 365  # visits over the last year (today included)
OPEN_HOURS = (7, 21)  # a station's local opening hours, when visits happen
# Page cache while generating (KiB, negative as SQLite takes it): the search-key index is
# filled at random places; the desk's own 32 MB is put back at the end.
GENERATION_CACHE_KIB = 256_000
DESK_CACHE_KIB = 32_000
_US = 1_000_000


@dataclass(frozen=True)
class DemoResult:
    members: int
    visits: int
    seconds: float


def _name(rng: random.Random) -> str:
    random_ = rng.random
    surname = SURNAMES[min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)]
    given = GIVEN[int(random_() * len(GIVEN))]
    if random_() >= 0.3:
        given += GIVEN[int(random_() * len(GIVEN))]
    return surname + given


class _Moments:
    """Stored UTC times, local days and local hours of epoch microseconds: the same text as
    `to_iso` and `local_date` and the hour `tallies.lines` finds, without a datetime each.

    Every time zone's offset (and every change of it) is a whole number of quarter hours, so
    within a quarter hour of UTC the local day and hour stay the same: those and the UTC
    text up to the hour are worked out once per quarter (times come in increasing order).
    """

    def __init__(self) -> None:
        self._quarter = -1
        self._parts = ("", "", 0)

    def at(self, epoch_us: int) -> tuple[str, str, int]:
        """(stored time, local day, local hour)."""
        seconds, micro = divmod(epoch_us, _US)
        quarter = seconds // 900
        if quarter != self._quarter:
            self._quarter = quarter
            utc, local = time.gmtime(seconds), time.localtime(seconds)
            self._parts = (
                time.strftime("%Y-%m-%dT%H:", utc),
                time.strftime("%Y-%m-%d", local),
                local.tm_hour,
            )
        prefix, day, hour = self._parts
        minute, second = divmod(seconds % 3600, 60)
        return f"{prefix}{minute:02d}:{second:02d}.{micro:06d}Z", day, hour


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
    started = time.perf_counter()
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
    now_us = time.time_ns() // 1000
    raw = desk.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        raw.info[RELAXED] = True  # the engine's "begin" puts FULL back if it sees this
        cursor.execute(f"PRAGMA cache_size=-{GENERATION_CACHE_KIB}")
        # Every reference made here is to a row made just before (a test holds it with
        # foreign_key_check): no lookup of the parent for each of two million rows.
        cursor.execute("PRAGMA foreign_keys=OFF")
        try:
            registered = _generate_members(
                cursor, rng, ctx, device.code, first_seq, members, now_us, visits, progress
            )
            _generate_visits(cursor, rng, ctx, registered, visits, now_us, members, progress)
        except BaseException:
            if raw.dbapi_connection is not None and raw.dbapi_connection.in_transaction:
                cursor.execute("ROLLBACK")  # the batch being written; earlier batches stay
            raise
        finally:
            # Durable at last: WAL frames and the file synced, the WAL emptied.
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            raw.info[RELAXED] = False
            cursor.execute(f"PRAGMA cache_size=-{DESK_CACHE_KIB}")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    seconds = time.perf_counter() - started
    return DemoResult(members=members, visits=visits, seconds=round(seconds, 1))


def _batches(total: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of each batch of ``BATCH`` rows."""
    for start in range(0, total, BATCH):
        yield start, min(total, start + BATCH)


def _insert_outbox(cursor: Any, rows: Sequence[tuple[Any, ...]]) -> None:
    cursor.executemany(
        "INSERT INTO outbox (event_id, kind, entity_id, payload, station_id, device_id, "
        "operator_id, device_time) VALUES (?,?,?,?,?,?,?,?)",
        rows,
    )


def _generate_members(
    cursor: Any,
    rng: random.Random,
    ctx: DeskContext,
    device_code: str,
    first_seq: int,
    members: int,
    now_us: int,
    visits: int,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[int, str]]:
    """Members registered over the last two years, numbered in the order they came: as
    `register_member` writes them. Returns (registered at, id) of each, in that order."""
    occupations = [o for o, _ in OCCUPATIONS]
    cumulative = list(itertools.accumulate(w for _, w in OCCUPATIONS))
    random_ = rng.random  # floats scaled to an index: randrange costs ten times as much
    span = REGISTERED_OVER_DAYS * 86_400 * _US
    registered_at = sorted(now_us - int(random_() * span) for _ in range(members))
    moments = _Moments()
    keys_of: dict[str, tuple[tuple[str, ...], str]] = {}  # name -> (its keys, sort key)
    registered: list[tuple[int, str]] = []
    for start, stop in _batches(members):
        ids, event_ids = new_ids(stop - start), new_ids(stop - start)
        rows: list[dict[str, Any]] = []
        key_rows: list[tuple[str, str]] = []
        outbox_rows: list[tuple[Any, ...]] = []
        for i in range(start, stop):
            member_id = ids[i - start]
            name = _name(rng)
            occupation = occupations[bisect.bisect_right(cumulative, random_() * cumulative[-1])]
            prefix = PHONE_PREFIXES[int(random_() * len(PHONE_PREFIXES))]
            phone = f"{prefix}{int(random_() * 10**8):08d}"
            tags = []
            if occupation in GIG and random_() < 0.7:
                tags.append("新就业形态劳动者")
            if random_() < 0.06:
                tags.append("困难职工")
            employers = EMPLOYERS[occupation]
            employer = employers[int(random_() * len(employers))]
            number = format_member_number(device_code, first_seq + i)
            at = moments.at(registered_at[i])[0]
            registered.append((registered_at[i], member_id))
            known = keys_of.get(name)
            if known is None:
                known = keys_of[name] = name_keys_and_sort_key(name)
            keys, name_sort = known
            row = {
                "id": member_id,
                "member_number": number,
                "name": name,
                "name_sort": name_sort,
                "phone": phone,
                "phone_tail": phone[-4:],  # phone_tail of a phone made of digits
                "occupation": occupation,
                "employer": employer,
                "union_branch": "",
                "tags": json.dumps(tags, ensure_ascii=False),
                "id_hash": None,
                "id_last4": None,
                "consent_at": at,
                "active": True,
                "deactivated_reason": None,
                "version": 1,
                "station_id": ctx.station_id,
                "device_id": ctx.device_id,
                "operator_id": ctx.operator_id,
                "device_time": at,
                "updated_at": at,
                "from_card": False,
                "merged_into": None,
            }
            rows.append(row)
            # search_keys(name, number): the name's keys and the number's compact form.
            key_rows.extend((key, member_id) for key in keys)
            # normalise_member_number: the device code has no look-alike characters
            number_key = number.replace("-", "").lower()
            if number_key not in keys:
                key_rows.append((number_key, member_id))
            payload = payload_of(cast(MemberRow, SimpleNamespace(**row)), keys)
            outbox_rows.append(
                (
                    event_ids[i - start],
                    MEMBER_REGISTERED.name,
                    member_id,
                    payload_json(MEMBER_REGISTERED, payload),
                    ctx.station_id,
                    ctx.device_id,
                    ctx.operator_id or None,
                    at,
                )
            )
        cursor.execute("BEGIN IMMEDIATE")
        insert_registrations(cursor, rows, key_rows)
        _insert_outbox(cursor, outbox_rows)
        cursor.execute("COMMIT")
        if progress:
            progress(stop, members + visits)
    return registered


def _visit_payload_template() -> str:
    """`payload_json`'s text of a visit with ``%s`` for its four values, in the order of its
    sorted keys: local_date (inside its quotes), member_id, occupation, services (as JSON)."""
    marks = ("@local_date@", "@member_id@", "@occupation@", "@services@")
    sample = VisitRecorded(
        local_date=marks[0], member_id=marks[1], occupation=marks[2], services=(marks[3],)
    )
    template = payload_json(VISIT_RECORDED, sample).replace("%", "%%")
    quoted = [f'"{marks[0]}"', f'"{marks[1]}"', f'"{marks[2]}"', f'["{marks[3]}"]']
    places = [template.index(q) for q in quoted]
    if places != sorted(places):
        raise AssertionError("visit payload keys are not in sorted order")
    template = template.replace(quoted[0], '"%s"')
    for q in quoted[1:]:
        template = template.replace(q, "%s")
    return template


def _visit_moments(rng: random.Random, visits: int, now_us: int) -> list[int]:
    """Epoch microseconds of ``visits`` visits in the last year's opening hours (local), in
    order; none after now."""
    opens, closes = OPEN_HOURS
    today = date.fromtimestamp(now_us / _US)
    windows: list[tuple[int, int]] = []  # (local opening time, open microseconds) per day
    for back in range(VISITED_OVER_DAYS):
        day = today - timedelta(days=back)
        opening = int(datetime(day.year, day.month, day.day, opens).timestamp()) * _US
        length = min((closes - opens) * 3600 * _US, now_us - opening)
        if length > 0:
            windows.append((opening, length))
    if not windows:  # before opening time on a one-day span: yesterday then
        yesterday = today - timedelta(days=1)
        opening = int(datetime(yesterday.year, yesterday.month, yesterday.day, opens).timestamp())
        windows.append((opening * _US, (closes - opens) * 3600 * _US))
    random_ = rng.random
    moments = []
    for _ in range(visits):
        opening, length = windows[int(random_() * len(windows))]
        moments.append(opening + int(random_() * length))
    moments.sort()
    return moments


def _generate_visits(
    cursor: Any,
    rng: random.Random,
    ctx: DeskContext,
    registered: list[tuple[int, str]],
    visits: int,
    now_us: int,
    offset: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """A year of visits, each by a member registered before it (or anonymous), with its
    outbox event and its day's tallies, as `check_in` records them."""
    if not visits or not registered:
        return
    # A few regulars come often, most people now and then: pick by a skewed index.
    regulars = max(1, len(registered) // 20)
    since = [at for at, _ in registered]
    member_ids = [member_id for _, member_id in registered]
    kinds = _VisitKinds()
    template = _visit_payload_template()
    moments = _Moments()
    stamps = _visit_moments(rng, visits, now_us)
    station, device, operator = ctx.station_id, ctx.device_id, ctx.operator_id
    pusher_operator = operator or None
    random_ = rng.random  # floats scaled to an index: randrange costs ten times as much
    day_kinds: Counter[_VisitKind] = Counter()  # the visits of ``people_day`` by kind
    people_day = ""
    people: set[str] = set()  # the members tallied in ``people`` of that day
    for start, stop in _batches(visits):
        ids, event_ids = new_ids(stop - start), new_ids(stop - start)
        visit_rows: list[tuple[Any, ...]] = []
        outbox_rows: list[tuple[Any, ...]] = []
        counts: Counter[tuple[str, str, str]] = Counter()
        for i in range(start, stop):
            stamp = stamps[i]
            at, day, hour = moments.at(stamp)
            if day != people_day:
                kinds.tally(people_day, day_kinds, counts)
                people_day, people = day, set()
            known = bisect.bisect_right(since, stamp)  # members registered by then
            if not known or random_() < 0.04:
                member_id = None
                occupation: str | None = ANONYMOUS_OCCUPATIONS[
                    int(random_() * len(ANONYMOUS_OCCUPATIONS))
                ]
                member_text = "null"
            else:
                pool = min(regulars, known) if random_() < 0.5 else known
                member_id = member_ids[int(random_() * pool)]
                occupation = None
                member_text = f'"{member_id}"'
                if member_id not in people:
                    people.add(member_id)
                    counts[(day, PEOPLE, "")] += 1
            kind = kinds.draw(random_, hour, member_id is None, occupation)
            day_kinds[kind] += 1
            codes = kind[3]
            visit_id = ids[i - start]
            visit_rows.append(
                (visit_id, member_id, occupation, codes, station, device, operator, at, day)
            )
            payload = template % (day, member_text, kinds.occupation_json[occupation], codes)
            outbox_rows.append(
                (
                    event_ids[i - start],
                    VISIT_RECORDED.name,
                    visit_id,
                    payload,
                    station,
                    device,
                    pusher_operator,
                    at,
                )
            )
        kinds.tally(people_day, day_kinds, counts)
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(
            "INSERT INTO visit (id, member_id, occupation, services, station_id, device_id, "
            "operator_id, device_time, local_date) VALUES (?,?,?,?,?,?,?,?,?)",
            visit_rows,
        )
        _insert_outbox(cursor, outbox_rows)
        tallies.count_bulk(cursor, counts)
        cursor.execute("COMMIT")
        if progress:
            progress(offset + stop, offset + visits)


# What a visit counts in, but for its day and member: (local hour, anonymous, the
# occupation noted, the services as stored).
_VisitKind = tuple[int, bool, str | None, str]


class _VisitKinds:
    """The services a visit used, drawn by their weights, and the tallies of each kind of
    visit (`tallies.lines_at`), worked out once per kind."""

    def __init__(self) -> None:
        self.codes = [s for s, _ in SERVICE_WEIGHTS]
        self.cumulative = list(itertools.accumulate(w for _, w in SERVICE_WEIGHTS))
        self.stored: dict[int, str] = {}  # services used (a bit per code) -> as stored
        self.lines: dict[_VisitKind, tuple[tuple[str, str], ...]] = {}
        self.occupation_json: dict[str | None, str] = {None: "null"}
        for occupation in ANONYMOUS_OCCUPATIONS:
            self.occupation_json[occupation] = json.dumps(occupation, ensure_ascii=False)

    def draw(
        self, random_: Callable[[], float], hour: int, anonymous: bool, occupation: str | None
    ) -> _VisitKind:
        total = self.cumulative[-1]
        used = 0
        for _ in range(SERVICES_PER_VISIT[int(random_() * len(SERVICES_PER_VISIT))]):
            used |= 1 << bisect.bisect_right(self.cumulative, random_() * total)
        stored = self.stored.get(used)
        if stored is None:
            codes = sorted(c for n, c in enumerate(self.codes) if used >> n & 1)
            stored = self.stored[used] = json.dumps(codes)
        return (hour, anonymous, occupation, stored)

    def tally(
        self, day: str, kinds: Counter[_VisitKind], counts: Counter[tuple[str, str, str]]
    ) -> None:
        """Move the day's visits by kind into ``counts`` (local_date, kind, key)."""
        for kind, n in kinds.items():
            lines = self.lines.get(kind)
            if lines is None:
                lines = self.lines[kind] = tuple(
                    (k.value, key) for k, key in tallies.lines_at(*kind)
                )
            for line in lines:
                counts[(day, *line)] += n
        kinds.clear()
