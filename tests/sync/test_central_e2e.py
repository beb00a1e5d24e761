"""Campaigns and courses made at HQ, end to end over real HTTP (PostgreSQL in CI).

HQ makes them with ``waystation-server campaign|course create --json`` (the console's
forms call the same ``sync.server.central``); the desks pull them on their next sync and
use them like their own: stock, limits (also the server's cross-desk check), eligibility,
handouts; enrolment, attendance, certificates. Only the stations taking part offer them; a
later HQ update reaches the desks; a desk that tries to redefine one, or to speak as HQ,
is refused.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from desktop.domain.aid import RefusalCode
from desktop.domain.clock import to_iso
from desktop.domain.errors import RuleViolation
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.aid.handouts import HandOut, HandoutRefused
from desktop.services.cards import verification
from desktop.services.members import commands as members
from desktop.services.sync import commands as syncing
from desktop.services.training import attendance, completion, courses, rosters
from desktop.storage.sync.tables import OutboxRow
from sync.client import transport
from sync.client.engine import sync_once
from sync.protocol import SERVER_DEVICE_ID
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled

TOMORROW = date.today() + timedelta(days=1)  # marks made before the start: present


def hq(server: Server, *args: str) -> Any:
    """``waystation-server ... --json``, as HQ's scripts run it."""
    done = server.cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def courier(station: Station, name: str, phone: str, occupation: str = "快递员") -> str:
    form = members.MemberForm(name=name, phone=phone, occupation=occupation, consent=True)
    return members.register_member(form, station.uow(), station.ctx).id


def synced(*stations: Station) -> None:
    for station in stations:
        report = sync_once(station.desk)
        assert report.ok, report.error


def test_a_campaign_from_hq_reaches_the_stations_taking_part_and_is_used_like_their_own(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    c = enrolled(server, make_station("汉口驿站"))
    liu = courier(a, "刘建国", "13611112222")
    guard = courier(a, "陈保安", "13611113333", occupation="保安")
    synced(a)

    made = hq(
        server,
        "campaign", "create",
        "--name", "冬送温暖·市总工会",
        "--starts", "2020-01-01", "--ends", "2099-12-31",
        "--item", "棉衣:件:1", "--item", "手套:副:2",
        "--station", "东湖驿站", "--station", "光谷驿站",
        "--occupation", "快递员",
        "--max-per-person", "1",
        "--by", "市总 王主任",
    )  # fmt: skip
    assert made["version"] == 1 and made["station_names"] == ["东湖驿站", "光谷驿站"]
    synced(a, b, c)

    # A and B offer it, marked as HQ's; C does not (it holds it, and refuses it by name).
    for station in (a, b):
        (offered,) = campaigns.list_campaigns(station.uow(), station_id=station.ctx.station_id)
        assert offered.id == made["id"] and offered.central and offered.max_per_person == 1
    assert campaigns.list_campaigns(c.uow(), station_id=c.ctx.station_id) == []
    with pytest.raises(HandoutRefused) as away:
        handouts.hand_out(HandOut(made["id"], member_id=liu), c.uow(), c.ctx)
    assert away.value.refusal.code is RefusalCode.NOT_HERE

    # A's stock of HQ's items, eligibility and the limit, as for a campaign made at A.
    items = {i.name: i.id for i in campaigns.list_items(a.uow())}
    stock.receive(made["id"], items["棉衣"], 50, a.uow(), a.ctx, source="市总工会")
    stock.receive(made["id"], items["手套"], 100, a.uow(), a.ctx)
    first = handouts.hand_out(HandOut(made["id"], member_id=liu), a.uow(), a.ctx)
    with pytest.raises(HandoutRefused) as twice:
        handouts.hand_out(HandOut(made["id"], member_id=liu), a.uow(), a.ctx)
    assert twice.value.refusal.code is RefusalCode.LIMIT_REACHED
    with pytest.raises(HandoutRefused) as not_eligible:
        handouts.hand_out(HandOut(made["id"], member_id=guard), a.uow(), a.ctx)
    assert not_eligible.value.refusal.code is RefusalCode.NOT_ELIGIBLE
    levels = {s.item_name: s.left for s in stock.levels(a.uow(), made["id"])}
    assert levels == {"棉衣": 49, "手套": 98}

    # B, offline, hands the same person the package: after sync, the server's cross-desk
    # check opens one conflict naming both, as for a local campaign.
    synced(b)  # B knows 刘建国 (registered at A) but not yet A's handout
    at_b = handouts.hand_out(HandOut(made["id"], member_id=liu), b.uow(), b.ctx)
    synced(a, b, a)
    (clash,) = [x for x in server.conflicts() if x["kind"] == "handout.limit"]
    assert {s["entity_id"] for s in clash["detail"]["records"]} == {first.record.id, at_b.record.id}
    assert clash["detail"]["detail"]["campaign_name"] == "冬送温暖·市总工会"

    # The desk does not edit HQ's rules.
    with pytest.raises(RuleViolation) as refused:
        campaigns.close_campaign(made["id"], a.uow(), a.ctx)
    assert refused.value.code == "aid.campaign_central"

    # HQ raises the limit and adds C: the next sync brings both.
    again = hq(
        server, "campaign", "update", made["id"], "--max-per-person", "2", "--station", "汉口驿站"
    )
    assert again["version"] == 2 and again["station_names"] == ["东湖驿站", "光谷驿站", "汉口驿站"]
    synced(a, b, c)
    (at_c,) = campaigns.list_campaigns(c.uow(), station_id=c.ctx.station_id)
    assert at_c.id == made["id"] and at_c.version == 2 and at_c.central
    status = handouts.status_for(a.uow(), made["id"], "13611112222", a.ctx)
    assert status.refusal is not None and status.refusal.code is RefusalCode.LIMIT_REACHED  # 2 had
    handouts.hand_out(
        HandOut(made["id"], member_id=courier(c, "赵骑手", "13700001111")), c.uow(), c.ctx
    )

    # The CLI says where it came from.
    listed = hq(server, "campaign", "list")
    assert [x["id"] for x in listed] == [made["id"]]

    # HQ makes the desks refuse beyond their own stock; a later update keeps the rule.
    hq(server, "campaign", "update", made["id"], "--refuse-when-out")
    kept = hq(server, "campaign", "update", made["id"], "--max-per-person", "3")
    assert kept["version"] == 4 and kept["rules"]["refuse_when_out"] is True
    synced(b)
    at_b_now = campaigns.find_campaign(b.uow(), made["id"])
    assert at_b_now.version == 4 and at_b_now.refuse_when_out
    # B never recorded a delivery of HQ's coats: with the rule, it holds none to give (the
    # person's own rules still speak first: the guard is not eligible at all)
    status = handouts.status_for(b.uow(), made["id"], "13611113333", b.ctx)
    assert status.refusal is not None and status.refusal.code is RefusalCode.NOT_ELIGIBLE
    newcomer = courier(b, "孙快递", "13700002222")
    with pytest.raises(HandoutRefused) as empty:
        handouts.hand_out(HandOut(made["id"], member_id=newcomer), b.uow(), b.ctx)
    assert empty.value.refusal.code is RefusalCode.OUT_OF_STOCK
    off = hq(server, "campaign", "update", made["id"], "--no-refuse-when-out")
    assert off["rules"]["refuse_when_out"] is False


def test_a_course_from_hq_is_enrolled_marked_and_certified_at_a_station(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    c = enrolled(server, make_station("汉口驿站"))
    day = TOMORROW.isoformat()
    made = hq(
        server,
        "course", "create",
        "--title", "网约车安全驾驶微课堂",
        "--session", f"{day} 09:00-11:00 2 安全驾驶",
        "--session", f"{day} 14:00-16:00",
        "--station", "东湖驿站",
        "--teacher", "李老师",
        "--minimum", "100%",
    )  # fmt: skip
    assert len(made["sessions"]) == 2
    synced(a, c)

    (course,) = courses.courses(a.uow(), station_id=a.ctx.station_id)
    assert course.id == made["id"] and course.central and course.sessions == 2
    assert course.teacher == "李老师" and f"{course.hours:f}" == "4"
    assert courses.courses(c.uow(), station_id=c.ctx.station_id) == []
    assert courses.sessions_on(c.uow(), day, station_id=c.ctx.station_id) == []
    held = courses.sessions_on(a.uow(), day, station_id=a.ctx.station_id)
    assert [s.course_id for s in held] == [made["id"]] * 2

    # Enrol, mark at the door, close, certify: all at A.
    person = courier(a, "王师傅", "13900002222", occupation="网约车司机")
    rosters.enrol(made["id"], "", a.uow(), a.ctx, member_id=person)
    for session in held:
        assert attendance.mark_at_door(session.id, "", a.uow(), a.ctx, member_id=person).status
    attendance.close_session(held[0].id, a.uow(), a.ctx)
    certified = completion.certify_course(made["id"], a.uow(), a.ctx, a.desk.keys)
    (issued,) = certified.issued
    assert verification.scan(a.uow(), issued.url).valid

    # HQ's course and sessions are HQ's to change.
    for attempt in (
        lambda: courses.update_course(
            made["id"], courses.CourseForm(title="改个名"), a.uow(), a.ctx
        ),
        lambda: courses.add_session(
            made["id"], courses.SessionForm(TOMORROW, "18:00", "19:00"), a.uow(), a.ctx
        ),
        lambda: courses.cancel_session(held[1].id, a.uow(), a.ctx),
    ):
        with pytest.raises(RuleViolation) as refused:
            attempt()
        assert refused.value.code == "training.course_central"

    # HQ adds C and a session; both stations get them; A's closing and marks stay.
    hq(
        server, "course", "update", made["id"], "--station", "汉口驿站",
        "--session", f"{(TOMORROW + timedelta(days=1)).isoformat()} 09:00-10:00",
    )  # fmt: skip
    synced(a, c, a)
    for station in (a, c):
        (seen,) = courses.courses(station.uow(), station_id=station.ctx.station_id)
        assert seen.version == 2 and seen.sessions == 3
        first = courses.sessions(station.uow(), made["id"])[0]
        assert first.closed  # closed at A; C learnt it through the sync
    assert completion.course_certificates(c.uow(), made["id"])[0].serial == issued.serial


def _queue_raw(
    station: Station, kind: str, entity_id: str, payload: dict[str, Any], **envelope: str
) -> None:
    """What a tampered desk program does: an outbox row the desk's own code would refuse."""
    with station.uow() as uow:
        uow.session.add(
            OutboxRow(
                event_id=str(uuid.uuid4()),
                kind=kind,
                entity_id=entity_id,
                payload=json.dumps(payload, ensure_ascii=False),
                station_id=envelope.get("station_id", station.ctx.station_id),
                device_id=envelope.get("device_id", station.ctx.device_id),
                operator_id=station.ctx.operator_id,
                device_time=to_iso(uow.now()),
            )
        )
        uow.commit()


def test_a_desk_cannot_redefine_hqs_campaign_nor_speak_as_hq(
    server: Server, make_station: Callable[..., Station], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    made = hq(
        server,
        "campaign", "create", "--name", "夏送清凉", "--starts", "2020-06-01",
        "--ends", "2099-08-31", "--item", "矿泉水:箱:1", "--max-per-person", "1",
    )  # fmt: skip
    synced(a, b)
    rules = dict(made["rules"], max_per_person=99, version=7, stations=[a.ctx.station_id])

    # A tampered desk A: HQ's campaign with its own limit, the same as if HQ had said it,
    # and a new campaign claiming HQ's device.
    _queue_raw(a, "campaign.updated", made["id"], rules)
    _queue_raw(a, "campaign.created", str(uuid.uuid4()), dict(rules, name="假冒中心活动"),
               device_id=SERVER_DEVICE_ID)  # fmt: skip
    report = sync_once(a.desk)
    assert report.ok and report.quarantined == 2
    refused = sorted(q.reason for q in syncing.quarantined(a.uow()) if not q.pulled)
    assert refused == ["rejected:central_record", "rejected:wrong_device"]
    kinds = server.stats()["events_by_kind"]
    assert kinds["campaign.created"] == 1 and "campaign.updated" not in kinds

    synced(b)
    at_b = campaigns.find_campaign(b.uow(), made["id"])
    assert at_b.max_per_person == 1 and at_b.version == 1 and at_b.central
    assert at_b.stations == ()

    # A relay slips B a "HQ" update with a signature that is not the server's.
    real_pull = transport.ServerClient.pull_page

    def relayed(self: transport.ServerClient, dataset: str, cursor: str, limit: int) -> Any:
        page = real_pull(self, dataset, cursor, limit)
        if dataset == "campaigns":
            at = to_iso(b.uow().now())
            page["events"] = [
                *page["events"],
                {
                    "event_id": str(uuid.uuid4()),
                    "seq": 1,
                    "kind": "campaign.updated",
                    "entity_id": made["id"],
                    "station_id": SERVER_DEVICE_ID,
                    "device_id": SERVER_DEVICE_ID,
                    "operator_id": None,
                    "device_time": at,
                    "server_seq": 10_000_000,
                    "received_at": at,
                    "payload": rules,
                    "signature": base64.b64encode(b"\0" * 64).decode(),
                },
            ]
        return page

    monkeypatch.setattr(transport.ServerClient, "pull_page", relayed)
    relayed_report = sync_once(b.desk)
    monkeypatch.undo()
    assert relayed_report.ok and relayed_report.set_aside == 1
    assert [q.reason for q in syncing.quarantined(b.uow()) if q.pulled] == ["signature"]
    assert campaigns.find_campaign(b.uow(), made["id"]).max_per_person == 1

    # Bad input at HQ gets a clear answer and sends nothing.
    before = server.event_count()
    for args, words in (
        (("--station", "没有这个站"), "There is no station 没有这个站."),
        (("--ends", "2019-01-01"), "The end date is before the start date."),
        (("--max-per-person", "０"), "limit per person must be a whole number"),
    ):
        base = {"--name": "坏活动", "--starts": "2020-01-01", "--ends": "2099-01-01"}
        base.update({args[0]: args[1]})
        flat = [x for pair in base.items() for x in pair]
        extra = [] if args[0] in base else list(args)
        done = server.cli("campaign", "create", *flat, "--item", "水:箱:1", *extra)
        assert done.returncode != 0 and words in done.stderr, done.stderr
    assert server.event_count() == before
