"""Demo data is written in real transactions: a batch is all there or not there at all."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop import demo
from desktop.bootstrap import Desk, open_desk
from desktop.domain.clock import from_iso
from desktop.domain.model import DeskContext, StationKind
from desktop.domain.pinyin import name_search_keys
from desktop.services.desk import setup
from desktop.services.members.commands import MemberForm, register_member
from desktop.services.members.queries import search_members
from desktop.services.visits.checkin import CheckIn, check_in, check_in_anonymous
from desktop.storage.members.bulk import MEMBER_COLUMNS
from sync.protocol import contract
from sync.protocol.contract import Payload


def counts(desk: Desk) -> tuple[int, int, int, int]:
    with desk.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT (SELECT count(*) FROM member),"
            " (SELECT count(*) FROM outbox WHERE kind = 'member.registered'),"
            " (SELECT count(*) FROM visit),"
            " (SELECT count(*) FROM outbox WHERE kind = 'visit.recorded')"
        ).one()
    return row[0], row[1], row[2], row[3]


@pytest.mark.parametrize(
    ("table", "stop_at", "expected"),
    [("member", 150, (100, 100, 0, 0)), ("visit", 250, (300, 300, 200, 200))],
)
def test_a_failure_inside_a_batch_leaves_only_whole_batches(
    desk: Desk,
    ctx: DeskContext,
    monkeypatch: pytest.MonkeyPatch,
    table: str,
    stop_at: int,
    expected: tuple[int, int, int, int],
) -> None:
    # In autocommit each row was its own transaction: the rows of the failing batch before
    # the failure stayed, without their outbox rows.
    monkeypatch.setattr(demo, "BATCH", 100)
    with desk.engine.begin() as connection:
        connection.exec_driver_sql(
            f"CREATE TRIGGER stop_demo BEFORE INSERT ON {table} "
            f"WHEN (SELECT count(*) FROM {table}) >= {stop_at} "
            "BEGIN SELECT RAISE(ABORT, 'pulled plug'); END"
        )
    with pytest.raises(sqlite3.IntegrityError):
        demo.generate(desk, ctx, members=300, visits=400)
    assert counts(desk) == expected


def test_demo_rows_are_all_written(desk: Desk, ctx: DeskContext) -> None:
    result = demo.generate(desk, ctx, members=250, visits=1_000)
    assert (result.members, result.visits) == (250, 1_000)
    assert counts(desk) == (250, 250, 1_000, 1_000)


def test_demo_visits_are_tallied_for_the_report(desk: Desk, ctx: DeskContext) -> None:
    """The demo writes visits with plain SQL: each batch tallies its days again, so the
    tallies are the ones made from every visit, and a pulled plug leaves them whole too."""
    from desktop.storage.visits import tallies

    def tallied() -> list[tuple[object, ...]]:
        with desk.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT local_date, kind, key, visits FROM visit_tally WHERE visits != 0 "
                "ORDER BY local_date, kind, key"
            ).all()
        return [tuple(r) for r in rows]

    demo.generate(desk, ctx, members=200, visits=1_500)
    kept = tallied()
    assert sum(int(r[3]) for r in kept if r[1] == "visits") == 1_500
    with desk.engine.begin() as connection:
        tallies.rebuild(connection)
    assert tallied() == kept


# --- a demo desk is the desk real use makes ----------------------------------------------


def _dump(desk: Desk) -> dict[str, list[tuple[Any, ...]]]:
    """What the members and visits areas and the outbox hold, in the order written."""
    queries = {
        "member": "SELECT * FROM member ORDER BY member_number",
        "member_search_key": "SELECT key, member_id FROM member_search_key ORDER BY 2, 1",
        "member_revision": "SELECT * FROM member_revision ORDER BY device_time, member_id",
        "visit": "SELECT * FROM visit ORDER BY rowid",
        "visit_tally": "SELECT * FROM visit_tally ORDER BY local_date, kind, key",
        "outbox": "SELECT kind, entity_id, payload, station_id, device_id, operator_id, "
        "device_time, pushed_at, result FROM outbox "
        "WHERE kind IN ('member.registered', 'visit.recorded') ORDER BY seq",
    }
    with desk.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.exec_driver_sql(sql)]
            for table, sql in queries.items()
        }


def _replay(demo_desk: Desk, demo_ctx: DeskContext, home: Path) -> tuple[Desk, dict[str, str]]:
    """A second desk that registered the demo desk's people and recorded their visits
    through the desk's own services, each at the moment the demo gave it (and with the
    demo desk's device code, so member numbers agree). Returns it and the demo's ids,
    station, device and operator mapped to its own."""
    moment = [datetime.now(UTC)]
    replay = open_desk(home, clock=lambda: moment[0])
    device, admin = setup.set_up_station(
        setup.StationSetup(
            station_name="重放驿站",
            kind=StationKind.STATION,
            union_name="测试区总工会",
            admin_name="王站长",
            admin_pin="2468",
        ),
        replay.uow(),
    )
    ctx = DeskContext(device.station.id, device.id, admin.id, admin.role)
    demo_device = demo_desk.device()
    assert demo_device is not None
    with replay.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE device SET code = ?, next_member_seq = 1", (demo_device.code,)
        )
    same = {
        demo_ctx.station_id: ctx.station_id,
        demo_ctx.device_id: ctx.device_id,
        demo_ctx.operator_id: ctx.operator_id,
    }
    dumped = _dump(demo_desk)
    for row in dumped["member"]:
        member = dict(zip(MEMBER_COLUMNS, row, strict=True))
        moment[0] = from_iso(member["device_time"])
        made = register_member(
            MemberForm(
                name=member["name"],
                phone=member["phone"],
                occupation=member["occupation"],
                employer=member["employer"],
                tags=tuple(json.loads(member["tags"])),
                consent=True,
            ),
            replay.uow(),
            ctx,
            confirm_duplicates=True,
        )
        same[member["id"]] = made.id
    for visit_id, member_id, occupation, services, *_, at, _day in dumped["visit"]:
        moment[0] = from_iso(at)
        codes = tuple(json.loads(services))
        if member_id is None:
            same[visit_id] = check_in_anonymous(occupation, codes, replay.uow(), ctx)
        else:
            result = check_in(
                CheckIn(member_id=same[member_id], services=codes, confirm_repeat=True),
                replay.uow(),
                ctx,
            )
            same[visit_id] = result.visit_id
    return replay, same


def _mapped(value: Any, same: dict[str, str]) -> Any:
    if not isinstance(value, str):
        return value
    for theirs, ours in same.items():
        value = value.replace(theirs, ours)
    return value


def test_a_demo_desk_is_what_registering_and_checking_in_make(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    """Every member, search key, revision, visit, tally and outbox event of a demo desk is
    what the desk's own services write for the same people and visits at the same moments:
    the same text, once ids are mapped."""
    result = demo.generate(desk, ctx, members=40, visits=300, seed=3)
    assert (result.members, result.visits) == (40, 300)
    replay, same = _replay(desk, ctx, tmp_path / "replay")
    try:
        made, expected = _dump(desk), _dump(replay)
    finally:
        replay.close()
    assert {len(rows) for rows in (made["member"], made["member_revision"])} == {40}
    assert [len(made["visit"]), len(made["outbox"])] == [300, 340]
    assert any(row[1] is None for row in made["visit"])  # anonymous visitors too
    for table, rows in made.items():
        ours = [tuple(_mapped(value, same) for value in row) for row in rows]
        if table == "member_search_key":
            assert sorted(ours) == sorted(expected[table]), table
        else:
            assert ours == expected[table], table


def test_a_demo_desk_is_whole_durable_and_searchable(desk: Desk, ctx: DeskContext) -> None:
    with desk.uow().reading() as uow:
        queued = uow.outbox.pending_count()  # the station's set-up events
    demo.generate(desk, ctx, members=120, visits=600)
    with desk.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # The generation's relaxed durability is not left on the desk's connection.
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        late = connection.exec_driver_sql(
            "SELECT count(*) FROM visit v JOIN member m ON m.id = v.member_id "
            "WHERE v.device_time < m.device_time"
        ).scalar_one()
        assert late == 0  # nobody visits before they registered
        people = connection.exec_driver_sql("SELECT name, member_number FROM member").all()
    wal = desk.paths.database.with_name(desk.paths.database.name + "-wal")
    assert wal.stat().st_size == 0  # all of it checkpointed into the file
    uow = desk.uow()
    for name, number in people[:40]:
        initials = "".join(sorted(name_search_keys(name), key=len)[0])
        assert number in [m.member_number for m in search_members(uow, initials, limit=500)]
        assert [m.member_number for m in search_members(uow, number)] == [number]
    with uow.reading():
        assert uow.outbox.pending_count() == queued + 720
        # What a push reads, and each payload its kind's declared type.
        for _seq, _event, kind, _entity, payload, *_ in uow.outbox.pending_rows(1000, queued):
            assert isinstance(contract.decode(kind, json.loads(payload)), Payload)
