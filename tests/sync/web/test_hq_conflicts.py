"""A conflict resolved at HQ and at a desk at about the same time: one resolution stands
everywhere (the first the server received), the other is kept and shown beside it, never
both silently winning. And HQ's resolution is believed by desks only with the server's
signature."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import text

from desktop.domain.people import id_check_char
from desktop.services.members import commands as members
from desktop.services.sync import commands as syncing
from sync.client.engine import enrol, sync_once
from sync.protocol import SERVER_DEVICE_ID, Author, kind_of
from tests.sync.conftest import Server, Station, refreshed
from tests.sync.web.console import client_logged_in, create_account, csrf_of

UNION = "测试区总工会"
ID_BODY = "99000019850101002"


def enrolled(server: Server, station: Station) -> Station:
    made = server.admin("POST", "/v1/admin/stations", json={"name": station.name, "union": UNION})
    assert enrol(station.desk, server.url, made["enrolment_code"], station.ctx) == station.name
    refreshed(station)
    return station


def two_desks_with_a_conflict(
    server: Server, make_station: Callable[..., Station]
) -> tuple[Station, Station, str]:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    id_number = ID_BODY + id_check_char(ID_BODY)
    for station, phone in ((a, "13800001111"), (b, "13800002222")):
        form = members.MemberForm(name="张秀英", phone=phone, id_number=id_number, consent=True)
        members.register_member(form, station.uow(), station.ctx, confirm_duplicates=True)
    assert sync_once(a.desk).ok and sync_once(b.desk).ok and sync_once(a.desk).ok
    [conflict] = server.conflicts()
    return a, b, str(conflict["id"])


def test_conflict_resolved_is_made_by_desks_or_by_hq() -> None:
    kind = kind_of("conflict.resolved")
    assert kind is not None and kind.author is Author.EITHER


def test_hq_and_a_desk_resolve_the_same_conflict_one_stands_everywhere(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a, b, conflict_id = two_desks_with_a_conflict(server, make_station)
    # A's lead resolves it at the desk, offline (not synced yet)...
    syncing.resolve_conflict(a.uow(), a.ctx, conflict_id, "东湖站：不是同一人")
    # ...while HQ resolves it in the console: HQ's reaches the server first.
    create_account(server, "hq-admin")
    hq = client_logged_in(server, "hq-admin")
    page = hq.get(f"/hq/conflicts/{conflict_id}")
    reply = hq.post(
        f"/hq/conflicts/{conflict_id}/resolve",
        data={"note": "总工会：同一人，保留两条记录", "csrf": csrf_of(page.text)},
    )
    assert reply.status_code == 303

    # A syncs: its resolution arrives second (kept beside HQ's, not applied) and A takes
    # HQ's, keeping its own as overruled.
    assert sync_once(a.desk).ok
    assert sync_once(b.desk).ok
    [on_server] = server.conflicts()
    assert on_server["resolution"]["note"] == "总工会：同一人，保留两条记录"
    assert on_server["resolution"]["device_id"] == SERVER_DEVICE_ID
    assert on_server["resolution"]["by"] == "hq-admin"
    assert [x["note"] for x in on_server["resolution"]["later"]] == ["东湖站：不是同一人"]
    for station in (a, b):
        [here] = syncing.conflicts(station.uow(), include_resolved=True)
        assert here.status == "resolved" and here.note == "总工会：同一人，保留两条记录"
        assert here.by_hq
    [at_a] = syncing.conflicts(a.uow(), include_resolved=True)
    assert at_a.overruled_note == "东湖站：不是同一人"  # shown at A, not silently lost
    with a.uow().reading() as uow:
        row = uow.session.execute(text("SELECT resolution FROM conflict")).scalar_one()
    kept = json.loads(row)
    assert kept["by_hq"] is True and kept["overruled"]["note"] == "东湖站：不是同一人"

    # The console shows both: the one that stands and the later one from the station.
    shown = hq.get(f"/hq/conflicts/{conflict_id}").text
    assert "总工会：同一人，保留两条记录" in shown
    assert "之后另有驿站也提交了处理意见" in shown and "东湖站：不是同一人" in shown
    # Syncing again changes nothing (HQ's is not re-applied, A's stays overruled).
    assert sync_once(a.desk).ok
    [here] = syncing.conflicts(a.uow(), include_resolved=True)
    assert here.note == "总工会：同一人，保留两条记录"


def test_hq_cannot_resolve_what_a_desk_resolved_first(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a, b, conflict_id = two_desks_with_a_conflict(server, make_station)
    create_account(server, "hq-admin")
    hq = client_logged_in(server, "hq-admin")
    page = hq.get(f"/hq/conflicts/{conflict_id}")  # the form, still open
    syncing.resolve_conflict(a.uow(), a.ctx, conflict_id, "东湖站：同一人")
    assert sync_once(a.desk).ok
    late = hq.post(
        f"/hq/conflicts/{conflict_id}/resolve",
        data={"note": "总工会：晚到的处理", "csrf": csrf_of(page.text)},
    )
    assert late.status_code == 409
    assert "这个冲突刚刚已被处理" in late.text and "东湖站：同一人" in late.text
    assert "东湖驿站" in late.text  # where it was resolved
    assert server.conflicts()[0]["resolution"]["note"] == "东湖站：同一人"
    assert sync_once(b.desk).ok
    [here] = syncing.conflicts(b.uow(), include_resolved=True)
    assert here.note == "东湖站：同一人"
    # The server's CLI says the same, and lists it among all (none open).
    listed = server.cli("conflict", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    again = server.cli("conflict", "resolve", conflict_id, "--note", "命令行")
    assert again.returncode == 1 and "resolved already" in again.stderr
    # An empty note is refused with a plain message; nothing is resolved by it.
    other = hq.post(
        f"/hq/conflicts/{conflict_id}/resolve", data={"note": "  ", "csrf": csrf_of(page.text)}
    )
    assert other.status_code in (400, 409)
