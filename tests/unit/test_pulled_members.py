"""Members pulled from other desks: the search keys their desk sent are used when they are
of this desk's keys version, computed here otherwise."""

from __future__ import annotations

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext
from desktop.services.appliers import APPLIERS
from desktop.services.members import queries as member_queries
from desktop.services.members.commands import KEYS_VERSION, search_keys
from desktop.services.sync import replication
from desktop.services.sync.replication import PulledEvent

OTHER = "01a20000-0000-7000-8000-0000000000aa"


def event(member_id: str, name: str, number: str, **extra: object) -> PulledEvent:
    payload = {"member_number": number, "name": name, "phone": "13912340000", "version": 1}
    payload.update(extra)
    return PulledEvent(
        server_seq=1,
        event_id=member_id.replace("-0000-", "-1111-"),
        kind="member.registered",
        entity_id=member_id,
        station_id=OTHER,
        device_id=OTHER,
        operator_id=None,
        device_time="2026-11-23T08:00:00.000000Z",
        received_at="2026-11-23T08:00:01.000000Z",
        payload=payload,
    )


def test_sent_keys_of_this_version_are_used_others_recomputed(desk: Desk, ctx: DeskContext) -> None:
    sent = event(
        "01a20000-0000-7000-8000-000000000001",
        "欧阳娜娜",
        "ABCDEF-0001",
        name_keys=["oynnmarker"],
        name_sort="ouyang nana",
        keys_version=KEYS_VERSION,
    )
    stale = event(
        "01a20000-0000-7000-8000-000000000002",
        "司马光",
        "ABCDEF-0002",
        name_keys=["nonsense"],
        name_sort="x",
        keys_version=KEYS_VERSION + 1,
    )
    bare = event("01a20000-0000-7000-8000-000000000003", "诸葛亮", "ABCDEF-0003")
    with desk.uow() as uow:
        assert replication.apply_page(uow, [sent, stale, bare], APPLIERS) == 3
        uow.commit()
    found = lambda typed: [m.id for m in member_queries.search_members(desk.uow(), typed)]  # noqa: E731
    assert found("oynnmarker") == [sent.entity_id]  # the sending desk's keys
    assert found("smg") == [stale.entity_id]  # another keys version: computed here
    assert found("nonsense") == []
    assert found("zgl") == [bare.entity_id]  # an older desk sent none: computed here
    assert found("abcdef0001") == [sent.entity_id]  # the number is always a key


def test_a_page_cut_off_part_way_is_applied_again_whole(desk: Desk, ctx: DeskContext) -> None:
    """A page may be written in several transactions, its cursor with the last: when the desk
    stops after the first ones, the page comes again and is applied over what it wrote."""
    from sqlalchemy import text

    from desktop.services.sync import commands as syncing

    names = ["张三", "李四", "王五", "赵六", "钱七"]
    page = [
        event(f"01a20000-0000-7000-8000-00000000010{i}", name, f"ABCDEF-01{i:02d}")
        for i, name in enumerate(names)
    ]
    with desk.uow() as uow:  # the first transaction of the page, then the desk went off
        replication.apply_page(uow, page[:2], APPLIERS)
        uow.commit()
    assert syncing.status(desk.uow()).pulled.get("members", 0) == 0
    applied = syncing.apply_page(desk.uow(), "members", page, "cursor-1")
    assert applied.applied == len(page)
    assert syncing.cursor(desk.uow(), "members") == "cursor-1"
    assert syncing.status(desk.uow()).pulled["members"] == len(page)
    found = lambda typed: [m.id for m in member_queries.search_members(desk.uow(), typed)]  # noqa: E731
    assert found("zs") == [page[0].entity_id]
    assert found("qianqi") == [page[4].entity_id]
    with desk.uow().reading() as uow:
        counts = uow.session.execute(
            text("SELECT count(*), count(DISTINCT member_id) FROM member_search_key")
        ).one()
        members = uow.session.execute(text("SELECT count(*) FROM member")).scalar_one()
    assert members == len(page) and counts[1] == len(page)
    assert counts[0] == sum(
        len(search_keys(e.payload["name"], e.payload["member_number"])) for e in page
    )
