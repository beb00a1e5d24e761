"""The handout rules as pure functions: dates, eligibility, limit, interval, day, combinable,
and this desk's stock when the campaign refuses beyond it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from desktop.domain.aid import (
    Campaign,
    PackageLine,
    PriorHandout,
    Recipient,
    RefusalCode,
    first_refusal,
    remaining,
    shortages,
    stock_refusal,
)
from desktop.domain.clock import to_iso
from sync.protocol.events.aid import CAMPAIGN_CREATED, OUT_OF_STOCK

NOW = datetime(2026, 7, 15, 4, 0, tzinfo=UTC)
TODAY = "2026-07-15"
HERE = "station-here"
RIDER = Recipient(tags=(), occupation="外卖骑手")
HARDSHIP = Recipient(tags=("困难职工",), occupation="环卫工人")


def campaign(**rules: object) -> Campaign:
    base: dict[str, object] = {
        "id": "c1",
        "name": "夏送清凉 2026",
        "starts_on": "2026-07-01",
        "ends_on": "2026-08-31",
        "package": (PackageLine("water", 2),),
    }
    base.update(rules)
    return Campaign(**base)  # type: ignore[arg-type]


def given(minutes_ago: float, campaign_id: str = "c1", day: str = TODAY) -> PriorHandout:
    return PriorHandout(campaign_id, to_iso(NOW - timedelta(minutes=minutes_ago)), day)


def refusal(c: Campaign, person: Recipient = RIDER, *prior: PriorHandout) -> RefusalCode | None:
    found = first_refusal(c, person, prior, now=NOW, today=TODAY, station_id=HERE)
    return None if found is None else found.code


def test_an_open_campaign_without_rules_gives_to_everyone() -> None:
    assert refusal(campaign()) is None
    assert refusal(campaign(), RIDER, given(60), given(30)) is None
    assert remaining(campaign(), [given(60)]) is None


def test_dates_and_closing_refuse() -> None:
    assert refusal(campaign(starts_on="2026-07-16")) is RefusalCode.NOT_STARTED
    assert refusal(campaign(ends_on="2026-07-14")) is RefusalCode.ENDED
    assert refusal(campaign(ends_on=TODAY)) is None  # the last day counts
    assert refusal(campaign(active=False)) is RefusalCode.CLOSED


def test_only_taking_part_stations() -> None:
    assert refusal(campaign(stations=("elsewhere",))) is RefusalCode.NOT_HERE
    assert refusal(campaign(stations=("elsewhere", HERE))) is None


def test_eligibility_by_tag_or_occupation() -> None:
    by_tag = campaign(tags=("困难职工",))
    assert refusal(by_tag, RIDER) is RefusalCode.NOT_ELIGIBLE
    assert refusal(by_tag, HARDSHIP) is None
    by_trade = campaign(occupations=("外卖骑手", "快递员"))
    assert refusal(by_trade, RIDER) is None
    assert refusal(by_trade, HARDSHIP) is RefusalCode.NOT_ELIGIBLE
    either = campaign(tags=("困难职工",), occupations=("快递员",))
    assert refusal(either, HARDSHIP) is None
    found = first_refusal(either, RIDER, [], now=NOW, today=TODAY, station_id=HERE)
    assert found is not None and found.params == {"wanted": "困难职工、快递员"}


def test_per_person_limit_counts_this_campaign_only() -> None:
    once = campaign(max_per_person=1)
    assert refusal(once) is None
    assert refusal(once, RIDER, given(600, "other")) is None
    assert refusal(once, RIDER, given(600)) is RefusalCode.LIMIT_REACHED
    twice = campaign(max_per_person=2)
    assert refusal(twice, RIDER, given(600)) is None
    assert remaining(twice, [given(600)]) == 1
    assert refusal(twice, RIDER, given(600), given(300)) is RefusalCode.LIMIT_REACHED
    assert remaining(twice, [given(600), given(300), given(200)]) == 0


def test_minimum_interval_with_a_wrong_clock() -> None:
    weekly = campaign(min_interval_minutes=7 * 24 * 60)
    assert refusal(weekly, RIDER, given(24 * 60)) is RefusalCode.TOO_SOON
    assert refusal(weekly, RIDER, given(8 * 24 * 60)) is None
    # a handout stamped a little in the future (another desk's clock ahead) still counts
    assert refusal(weekly, RIDER, given(-60)) is RefusalCode.TOO_SOON
    # one stamped a year ahead does not block this person for good
    assert refusal(weekly, RIDER, given(-365 * 24 * 60)) is None
    found = first_refusal(weekly, RIDER, [given(24 * 60)], now=NOW, today=TODAY, station_id=HERE)
    assert found is not None and found.params["minutes_left"] == 6 * 24 * 60


def test_per_day_maximum_counts_the_local_day() -> None:
    daily = campaign(max_per_day=2)
    assert refusal(daily, RIDER, given(60)) is None
    assert refusal(daily, RIDER, given(60), given(30)) is RefusalCode.DAY_MAX
    yesterday = "2026-07-14"
    assert refusal(daily, RIDER, given(1500, day=yesterday), given(30)) is None


def test_not_combinable_with_another_campaign() -> None:
    exclusive = campaign(not_combinable_with=("winter",))
    assert refusal(exclusive, RIDER, given(60, "spring")) is None
    assert refusal(exclusive, RIDER, given(60, "winter")) is RefusalCode.NOT_COMBINABLE
    found = first_refusal(
        exclusive,
        RIDER,
        [given(9, "winter")],
        now=NOW,
        today=TODAY,
        station_id=HERE,
        names={"winter": "冬送温暖"},
    )
    assert found is not None and found.params == {"other": "冬送温暖"}


def test_rules_survive_the_trip_through_an_event_payload() -> None:
    full = campaign(
        tags=("困难职工",),
        occupations=("快递员",),
        max_per_person=2,
        min_interval_minutes=90,
        max_per_day=1,
        not_combinable_with=("winter",),
        stations=(HERE,),
        proof="code",
        refuse_when_out=True,
    )
    assert Campaign.from_rules("c1", full.rules()) == full
    assert CAMPAIGN_CREATED.decode(full.rules()).refuse_when_out is True


def test_an_older_desks_campaign_event_decodes_without_the_stock_rule() -> None:
    """Rules written before ``refuse_when_out`` existed: the desk asks, as it always did."""
    older = campaign().rules()
    del older["refuse_when_out"]
    assert CAMPAIGN_CREATED.decode(older).refuse_when_out is False
    assert Campaign.from_rules("c1", older).refuse_when_out is False


@dataclass(frozen=True)
class Held:
    item_id: str
    item_name: str
    unit: str
    moved_in: int
    left: int


def test_shortages_are_of_this_desks_stock_only() -> None:
    stock = [Held("water", "矿泉水", "瓶", 10, 1), Held("towel", "毛巾", "条", 0, -3)]
    short = shortages([("water", 2), ("towel", 1)], stock)
    # water: 1 left of 2 wanted; towel: this desk keeps none, so nothing to run out of
    assert [(s.item_id, s.left, s.wanted) for s in short] == [("water", 1, 2)]
    assert shortages([("water", 1)], stock) == []
    assert shortages([("gloves", 1)], stock) == []  # not stocked here at all
    # a campaign that refuses when out: what the records do not hold is not there
    strict = shortages([("water", 1), ("towel", 1), ("gloves", 1)], stock, strict=True)
    assert [(s.item_id, s.left) for s in strict] == [("towel", -3), ("gloves", 0)]


def test_out_of_stock_refuses_only_when_the_campaign_says_so() -> None:
    short = shortages([("water", 2)], [Held("water", "矿泉水", "瓶", 5, -1)])
    assert stock_refusal(campaign(), short) is None  # the default: the desk asks instead
    found = stock_refusal(campaign(refuse_when_out=True), short)
    assert found is not None and found.code is RefusalCode.OUT_OF_STOCK
    assert found.params == {"left": "矿泉水 0瓶"}  # never "-1" on the screen
    assert stock_refusal(campaign(refuse_when_out=True), []) is None
    # the code a lead's override carries on the wire, which the server does not waive
    assert RefusalCode.OUT_OF_STOCK.value == OUT_OF_STOCK
