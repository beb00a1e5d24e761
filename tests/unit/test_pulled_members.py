"""Members pulled from other desks: the search keys their desk sent are used when they are
of this desk's keys version, computed here otherwise."""

from __future__ import annotations

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext
from desktop.services.appliers import APPLIERS
from desktop.services.members import queries as member_queries
from desktop.services.members.commands import KEYS_VERSION
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
