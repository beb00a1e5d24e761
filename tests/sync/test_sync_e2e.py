"""End to end over real HTTP: enrol, push, pull, conflicts, revocation, versions."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import text

from desktop.domain.errors import RuleViolation
from desktop.domain.people import id_check_char
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from desktop.services.sync import commands as syncing
from desktop.services.visits import checkin
from desktop.storage.members.repositories import MemberRepository
from sync.client.engine import enrol, sync_once
from sync.protocol import PROTOCOL_HEADER
from tests.sync.conftest import Server, Station, refreshed

ID_BODY = "99000019850101002"  # region 990000 is no place: not anybody's number
ID_NUMBER = ID_BODY + id_check_char(ID_BODY)


def enrolled(server: Server, station: Station) -> Station:
    code = server.station(station.name)
    assert enrol(station.desk, server.url, code, station.ctx) == station.name
    refreshed(station)
    return station


def outbox_size(station: Station) -> int:
    with station.uow().reading() as uow:
        return int(uow.session.execute(text("SELECT count(*) FROM outbox")).scalar_one())


def register(station: Station, name: str, phone: str, id_number: str | None = None) -> str:
    member = members.register_member(
        members.MemberForm(name=name, phone=phone, id_number=id_number or "", consent=True),
        station.uow(),
        station.ctx,
        confirm_duplicates=True,
    )
    return member.id


def test_a_member_registered_at_one_station_is_found_and_checked_in_at_another(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    member_id = register(a, "李春生", "13912345678")
    checkin.check_in(checkin.CheckIn(member_id=member_id), a.uow(), a.ctx)

    report_a = sync_once(a.desk)
    assert report_a.ok, report_a.error
    assert report_a.pushed == outbox_size(a) and report_a.quarantined == 0
    report_b = sync_once(b.desk)
    assert report_b.ok, report_b.error
    assert report_b.pulled["members"] == 1

    by_name = member_queries.search_members(b.uow(), "lcs")
    assert [m.id for m in by_name] == [member_id]
    by_phone = member_queries.search_members(b.uow(), "5678")
    assert member_id in [m.id for m in by_phone]

    visit = checkin.check_in(checkin.CheckIn(member_id=member_id), b.uow(), b.ctx)
    assert visit.visit_id is not None
    assert sync_once(b.desk).ok
    stats = server.stats()
    assert stats["events_by_kind"]["visit.recorded"] == 2
    # Each desk's events, plus the server's record of its enrolment.
    assert stats["events_by_station"] == {
        "东湖驿站": outbox_size(a) + 1,
        "光谷驿站": outbox_size(b) + 1,
    }
    # Nothing more to do: a second sync sends nothing and stores nothing twice.
    again = sync_once(a.desk)
    assert again.ok and again.pushed == 0 and again.duplicates == 0
    assert server.event_count() == outbox_size(a) + outbox_size(b) + 2  # + 2 enrolments


def test_same_person_registered_at_two_stations_gives_one_conflict_and_keeps_both(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    first = register(a, "张秀英", "13800001111", ID_NUMBER)
    second = register(b, "张秀英", "13800002222", ID_NUMBER)
    assert sync_once(a.desk).ok
    assert sync_once(b.desk).ok
    assert sync_once(a.desk).ok

    conflicts = server.conflicts()
    assert len(conflicts) == 1
    sides = conflicts[0]["detail"]["records"]
    assert {s["station_name"] for s in sides} == {"东湖驿站", "光谷驿站"}
    assert {s["operator_name"] for s in sides} == {"东湖驿站站长", "光谷驿站站长"}
    assert {s["entity_id"] for s in sides} == {first, second}

    at_a = syncing.conflicts(a.uow(), here_only=True)
    at_b = syncing.conflicts(b.uow(), here_only=True)
    # A third station holds the conflict too, but it is not its own to resolve.
    c = enrolled(server, make_station("汉口驿站"))
    assert sync_once(c.desk).ok
    assert syncing.conflicts(c.uow(), here_only=True) == []
    assert len(syncing.conflicts(c.uow())) == 1
    assert syncing.status(c.uow()).open_conflicts == 0
    assert syncing.status(a.uow()).open_conflicts == 1
    assert len(at_a) == 1 and len(at_b) == 1 and at_a[0].id == at_b[0].id
    assert at_a[0].detail["same"] == "id_number"
    # Both records are kept at both desks.
    for station in (a, b):
        with station.uow().reading() as uow:
            assert (
                uow.repo(MemberRepository).row(first) is not None
                and uow.repo(MemberRepository).row(second) is not None
            )

    # A lead merges at A; the resolution reaches the server and B.
    syncing.resolve_conflict(a.uow(), a.ctx, at_a[0].id, "同一人，合并", merge_into=first)
    assert sync_once(a.desk).ok
    assert sync_once(b.desk).ok
    assert server.conflicts()[0]["status"] == "resolved"
    resolved = syncing.conflicts(b.uow(), include_resolved=True)[0]
    assert resolved.status == "resolved" and resolved.note == "同一人，合并"
    with b.uow().reading() as uow:
        merged = uow.repo(MemberRepository).row(second)
        assert merged is not None and merged.merged_into == first
    assert [m.id for m in member_queries.search_members(b.uow(), "zxy")] == [first]
    assert second not in [m.id for m in member_queries.search_members(b.uow(), "2222")]
    assert second not in member_queries.member_ids(b.uow())  # listed under the record kept


def test_a_revoked_device_is_refused_and_keeps_every_record(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    assert sync_once(a.desk).ok
    device_id = a.ctx.device_id
    server.admin("POST", f"/v1/admin/devices/{device_id}/revoke")
    register(a, "王五", "13700007777")
    waiting = syncing.status(a.uow()).waiting
    report = sync_once(a.desk)
    assert not report.ok and report.error is not None
    assert report.error.code == "sync.error.revoked"
    state = syncing.status(a.uow())
    assert state.stopped and state.waiting == waiting > 0
    assert state.error is not None and state.error.code == "sync.error.revoked"


def test_enrolment_refuses_bad_codes_demo_desks_and_used_codes(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = make_station("东湖驿站")
    with pytest.raises(RuleViolation) as refused:
        enrol(a.desk, server.url, "AAAA-BBBB-CCCC", a.ctx)
    assert refused.value.code == "sync.error.bad_code"
    code = server.station("东湖驿站")
    enrol(a.desk, server.url, code, a.ctx)
    b = make_station("光谷驿站")
    with pytest.raises(RuleViolation) as used:
        enrol(b.desk, server.url, code, b.ctx)
    assert used.value.code == "sync.error.bad_code"

    demo = make_station("演示站")
    with demo.uow() as uow:
        uow.settings.set("demo_data", True)
        uow.commit()
    with pytest.raises(RuleViolation) as refused_demo:
        enrol(demo.desk, server.url, server.code("东湖驿站"), demo.ctx)
    assert refused_demo.value.code == "sync.demo_desk"
    # A scanned enrolment QR carries the address and the code.
    c = make_station("汉口驿站")
    scanned = f"waystation-enrol:{server.url}#{server.station('汉口驿站')}"
    assert enrol(c.desk, "", scanned, c.ctx) == "汉口驿站"


def test_an_old_protocol_is_told_to_upgrade(server: Server) -> None:
    response = httpx.get(server.url + "/v1/pull?dataset=members", headers={PROTOCOL_HEADER: "0"})
    assert response.status_code == 426
    assert response.json()["code"] == "upgrade_required"


def test_cards_of_other_stations_verify_and_a_lost_card_is_refused_everywhere_after_sync(
    server: Server, make_station: Callable[..., Station]
) -> None:
    from desktop.services.cards import commands as cards
    from desktop.services.cards import verification

    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    member_id = register(a, "周八", "13100000008")
    first = cards.card_to_print(member_id, a.uow(), a.ctx, a.desk.keys)
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    at_b = verification.scan(b.uow(), first.qr_text)
    assert at_b.valid and at_b.member_id == member_id  # A's key came with the pull

    cards.report_lost(member_id, "丢失", a.uow(), a.ctx)
    cards.reissue(member_id, a.uow(), a.ctx)
    second = cards.card_to_print(member_id, a.uow(), a.ctx, a.desk.keys)
    assert second.serial == 2
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    assert not verification.scan(b.uow(), first.qr_text).valid
    assert verification.scan(b.uow(), second.qr_text).valid
    with pytest.raises(RuleViolation):
        members.resolve_member(b.uow(), first.qr_text)
    assert members.resolve_member(b.uow(), second.qr_text).id == member_id


def test_id_numbers_registered_before_enrolment_still_match_at_this_desk(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = make_station("东湖驿站")
    first = register(a, "吴九", "13000000009", ID_NUMBER)
    with a.uow().reading() as uow:
        local_hash = uow.repo(MemberRepository).row(first).id_hash  # type: ignore[union-attr]
    enrolled(server, a)
    assert a.desk.hash_keys is not None and a.desk.hash_keys.current != b""
    with pytest.raises(RuleViolation) as twice:
        members.register_member(
            members.MemberForm(name="吴九", phone="13000000010", id_number=ID_NUMBER, consent=True),
            a.uow(),
            a.ctx,
        )
    assert twice.value.code == "member.duplicate_id"
    # A new registration elsewhere hashes with the organisation's key, the same at every desk.
    b = enrolled(server, make_station("光谷驿站"))
    other = register(
        b, "郑十", "13000000011", ID_BODY[:-1] + "3" + id_check_char(ID_BODY[:-1] + "3")
    )
    with b.uow().reading() as uow:
        assert uow.repo(MemberRepository).row(other).id_hash != local_hash  # type: ignore[union-attr]
    assert (a.desk.paths.keys / "id-number-hash.local.key").exists()
