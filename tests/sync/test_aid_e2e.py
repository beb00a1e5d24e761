"""Two aid desks, offline, hand the same limited package to one person; then both sync
with the real server: exactly one conflict, both handouts kept, stock right at both desks."""

from __future__ import annotations

from collections.abc import Callable

from desktop.domain.aid import RefusalCode
from desktop.printing import campaign_report
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.aid import report as aid_report
from desktop.services.aid.campaigns import CampaignForm
from desktop.services.aid.handouts import HandOut
from desktop.services.members import commands as members
from desktop.services.sync import commands as syncing
from sync.client.engine import sync_once
from tests.printing.pdfcheck import page_texts
from tests.sync.conftest import PIN, Server, Station
from tests.sync.test_sync_e2e import enrolled


def levels(station: Station, campaign_id: str, desk: str) -> dict[str, int]:
    return {s.item_name: s.left for s in stock.levels(station.uow(), campaign_id, desk=desk)}


def test_two_offline_desks_hand_out_beyond_the_limit_one_conflict_both_kept(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖发放点"))
    b = enrolled(server, make_station("光谷发放点"))
    desk_a, desk_b = stock.own_desk(a.uow()), stock.own_desk(b.uow())

    # Before the day: the campaign, its stock (part sent on to B), a member; both desks sync.
    coat = campaigns.create_item("棉衣", "件", a.uow(), a.ctx)
    gloves = campaigns.create_item("手套", "副", a.uow(), a.ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="冬送温暖 2026",
            starts_on="2020-01-01",
            ends_on="2099-12-31",
            package=((coat.id, 1), (gloves.id, 2)),
            max_per_person=1,
        ),
        a.uow(),
        a.ctx,
    )
    stock.receive(campaign.id, coat.id, 100, a.uow(), a.ctx, source="市总工会")
    stock.receive(campaign.id, gloves.id, 200, a.uow(), a.ctx)
    stock.transfer(campaign.id, coat.id, 40, desk_b, a.uow(), a.ctx)
    stock.transfer(campaign.id, gloves.id, 80, desk_b, a.uow(), a.ctx)
    person = members.register_member(
        members.MemberForm(name="刘建国", phone="13611112222", occupation="环卫工人", consent=True),
        a.uow(),
        a.ctx,
    )
    assert sync_once(a.desk).ok
    assert sync_once(b.desk).ok
    assert campaigns.find_campaign(b.uow(), "冬送温暖").max_per_person == 1
    assert levels(b, campaign.id, desk_b) == {"棉衣": 40, "手套": 80}

    # The network is down: each desk hands the package to the same person.
    at_a = handouts.hand_out(HandOut(campaign.id, member_id=person.id), a.uow(), a.ctx)
    at_b = handouts.hand_out(HandOut(campaign.id, member_id=person.id), b.uow(), b.ctx)

    # Back online: both push and pull (A twice, to pull what B pushed after it).
    for station in (a, b, a):
        report = sync_once(station.desk)
        assert report.ok, report.error

    conflicts = [c for c in server.conflicts() if c["kind"] == "handout.limit"]
    assert len(conflicts) == 1
    detail = conflicts[0]["detail"]
    sides = detail["records"]
    assert {s["entity_id"] for s in sides} == {at_a.record.id, at_b.record.id}
    assert {s["station_name"] for s in sides} == {"东湖发放点", "光谷发放点"}
    assert {s["operator_name"] for s in sides} == {"东湖发放点站长", "光谷发放点站长"}
    assert {s["summary"]["desk"] for s in sides} == {desk_a, desk_b}
    assert all(s["device_time"] and s["received_at"] for s in sides)
    assert detail["detail"]["rule"] == "max_per_person"
    assert detail["detail"]["campaign_name"] == "冬送温暖 2026"

    for station in (a, b):
        # both desks hold both handouts, and know the conflict
        status = handouts.status(station.uow(), campaign.id, person, station.ctx)
        assert {h.id for h in status.history} == {at_a.record.id, at_b.record.id}
        assert status.refusal is not None and status.refusal.code is RefusalCode.LIMIT_REACHED
        found = [c for c in syncing.conflicts(station.uow()) if c.kind == "handout.limit"]
        assert len(found) == 1 and found[0].id == conflicts[0]["id"]
        # It says whom it is about (the person who received twice), not only the campaign.
        assert found[0].person == f"{person.name} {person.member_number}"
        # stock is right at both desks, for both desks
        assert levels(station, campaign.id, desk_a) == {"棉衣": 59, "手套": 118}
        assert levels(station, campaign.id, desk_b) == {"棉衣": 39, "手套": 78}

    # The campaign report counts the conflict at the desk and day of the later handout.
    report = aid_report.campaign_report(a.uow(), campaign.id)
    assert report.total.conflicts == 1 and report.total.handouts == 2
    (clash,) = report.conflicts
    assert clash.rule == "max_per_person" and clash.status == "open"
    assert "东湖发放点站长" in clash.first + clash.second
    text = "".join(page_texts(campaign_report.report_pdf(report)))
    assert "跨发放台冲突" in text and "超过每人次数上限" in text

    # A lead at B resolves it with a note; the resolution reaches the server and A.
    syncing.resolve_conflict(b.uow(), b.ctx, conflicts[0]["id"], "已退回一份，特批另一份")
    assert sync_once(b.desk).ok and sync_once(a.desk).ok
    assert server.conflicts()[0]["status"] == "resolved"
    resolved = syncing.find_conflict(a.uow(), conflicts[0]["id"])
    assert resolved.status == "resolved" and resolved.note == "已退回一份，特批另一份"
    assert aid_report.campaign_report(a.uow(), campaign.id).conflicts[0].status == "resolved"
    # Syncing again opens nothing new.
    assert len([c for c in server.conflicts() if c["kind"] == "handout.limit"]) == 1


def test_a_handout_voided_before_sync_opens_no_conflict(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖发放点"))
    b = enrolled(server, make_station("光谷发放点"))
    water = campaigns.create_item("矿泉水", "箱", a.uow(), a.ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="夏送清凉 2026",
            starts_on="2020-01-01",
            ends_on="2099-12-31",
            package=((water.id, 1),),
            max_per_person=1,
        ),
        a.uow(),
        a.ctx,
    )
    person = members.register_member(
        members.MemberForm(name="陈小明", phone="13622223333", consent=True), a.uow(), a.ctx
    )
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    first = handouts.hand_out(HandOut(campaign.id, member_id=person.id), a.uow(), a.ctx)
    handouts.void_handout(first.record.id, "发错了", a.uow(), a.ctx)
    handouts.hand_out(HandOut(campaign.id, member_id=person.id), b.uow(), b.ctx)
    for station in (a, b, a):
        assert sync_once(station.desk).ok
    assert [c for c in server.conflicts() if c["kind"] == "handout.limit"] == []


def test_not_combinable_and_daily_limits_are_checked_across_desks(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖发放点"))
    b = enrolled(server, make_station("光谷发放点"))
    card = campaigns.create_item("购物卡", "张", a.uow(), a.ctx)

    def campaign(name: str, **rules: object) -> str:
        package = ((card.id, 1),)
        form = CampaignForm(name, "2020-01-01", "2099-12-31", package, **rules)  # type: ignore[arg-type]
        return campaigns.create_campaign(form, a.uow(), a.ctx).id

    hardship = campaign("困难职工帮扶")
    school = campaign("金秋助学", not_combinable_with=(hardship,))
    daily = campaign("爱心午餐", max_per_day=1)
    person = members.register_member(
        members.MemberForm(name="周桂兰", phone="13633334444", consent=True), a.uow(), a.ctx
    )
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    handouts.hand_out(HandOut(hardship, member_id=person.id), a.uow(), a.ctx)
    handouts.hand_out(HandOut(daily, member_id=person.id), a.uow(), a.ctx)
    handouts.hand_out(HandOut(school, member_id=person.id), b.uow(), b.ctx)
    handouts.hand_out(HandOut(daily, member_id=person.id), b.uow(), b.ctx)
    for station in (a, b, a):
        assert sync_once(station.desk).ok
    rules = sorted(
        c["detail"]["detail"]["rule"] for c in server.conflicts() if c["kind"] == "handout.limit"
    )
    assert rules == ["max_per_day", "not_combinable"]


def test_refuse_when_out_travels_and_each_desk_judges_its_own_stock(
    server: Server, make_station: Callable[..., Station]
) -> None:
    """The rule reaches the other desk with the campaign; stock stays each desk's own (A's
    full shelf does not cover B's empty one); the server does not judge stock, but a lead's
    override of stock alone still counts against the person's limit across desks."""
    a = enrolled(server, make_station("东湖发放点"))
    b = enrolled(server, make_station("光谷发放点"))
    desk_a, desk_b = stock.own_desk(a.uow()), stock.own_desk(b.uow())
    coat = campaigns.create_item("棉衣", "件", a.uow(), a.ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="冬送温暖 2026",
            starts_on="2020-01-01",
            ends_on="2099-12-31",
            package=((coat.id, 1),),
            max_per_person=1,
            refuse_when_out=True,
        ),
        a.uow(),
        a.ctx,
    )
    stock.receive(campaign.id, coat.id, 10, a.uow(), a.ctx)
    stock.transfer(campaign.id, coat.id, 1, desk_b, a.uow(), a.ctx)
    people = [
        members.register_member(
            members.MemberForm(name=name, phone=phone, consent=True), a.uow(), a.ctx
        )
        for name, phone in (("刘建国", "13611112222"), ("陈立", "13611113333"))
    ]
    liu, chen = people
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    assert campaigns.find_campaign(b.uow(), "冬送温暖").refuse_when_out

    handouts.hand_out(HandOut(campaign.id, member_id=liu.id), b.uow(), b.ctx)  # B's one coat
    status = handouts.status(b.uow(), campaign.id, chen, b.ctx)
    assert status.refusal is not None and status.refusal.code is RefusalCode.OUT_OF_STOCK
    assert levels(b, campaign.id, desk_a) == {"棉衣": 9}  # A's shelf is A's
    at_a = handouts.hand_out(HandOut(campaign.id, member_id=chen.id), a.uow(), a.ctx)

    # Offline, B's lead hands 陈立 a coat beyond B's stock (a delivery not yet recorded).
    at_b = handouts.hand_out(
        HandOut(campaign.id, member_id=chen.id, override_pin=PIN, override_reason="货到未入库"),
        b.uow(),
        b.ctx,
    )
    assert at_b.record.overridden == "out_of_stock"
    for station in (a, b, a):
        report = sync_once(station.desk)
        assert report.ok, report.error
    (clash,) = [c for c in server.conflicts() if c["kind"] == "handout.limit"]
    assert {s["entity_id"] for s in clash["detail"]["records"]} == {
        at_a.record.id,
        at_b.record.id,
    }
    for station in (a, b):
        assert levels(station, campaign.id, desk_a) == {"棉衣": 8}
        assert levels(station, campaign.id, desk_b) == {"棉衣": -1}
