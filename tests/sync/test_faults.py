"""Network and server faults: each ends with exactly the events that were made, once."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from desktop.domain.clock import system_clock, to_iso
from desktop.services.members import queries as member_queries
from desktop.services.sync import commands as syncing
from desktop.services.visits import checkin
from desktop.storage.sync.repositories import SyncState
from sync.client.engine import PULL_PAGE, sync_once
from sync.client.transport import ServerClient
from sync.protocol import EventStatus
from sync.protocol.events.visits import VISIT_RECORDED, VisitRecorded
from tests.sync.conftest import Server, Station, free_port
from tests.sync.test_sync_e2e import enrolled, outbox_size, register


def fill_outbox(station: Station, count: int) -> None:
    """Many events at once (anonymous counts are real events with no rule on the server)."""
    with station.uow() as uow:
        at = to_iso(uow.now())
        for i in range(count):
            uow.outbox.append(
                VISIT_RECORDED,
                f"{i:036d}",
                VisitRecorded(member_id=None, services=("water",), occupation=f"n{i}"),
                station.ctx,
                at,
            )
        uow.commit()


def device_events(server: Server, station: Station) -> int:
    devices = server.admin("GET", "/v1/admin/devices")
    return int(next(d["events"] for d in devices if d["id"] == station.ctx.device_id))


def assert_exactly_once(server: Server, station: Station) -> None:
    state = syncing.status(station.uow())
    assert state.waiting == 0 and state.quarantined == 0
    assert device_events(server, station) == outbox_size(station)


class Proxy:
    """A TCP proxy in front of the server that can break connections on purpose."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.port = free_port()
        self.refuse = False  # close each connection before the request reaches the server
        self.drop_push_replies = 0  # let the server commit a push, then lose its reply
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refuse:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream))
            state = {"push": False}
            threading.Thread(
                target=self._pipe, args=(client, upstream, state, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pipe, args=(upstream, client, state, False), daemon=True
            ).start()

    def _pipe(
        self, source: socket.socket, sink: socket.socket, state: dict[str, bool], request: bool
    ) -> None:
        try:
            while data := source.recv(65536):
                if request and b"POST /v1/push" in data:
                    state["push"] = True
                if not request and state["push"] and self.drop_push_replies > 0:
                    self.drop_push_replies -= 1
                    state["push"] = False
                    break  # the server has committed; the desk never hears of it
                if not request:
                    state["push"] = False
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def close(self) -> None:
        self.listener.close()


def test_connection_dropped_before_the_request(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    register(a, "刘一", "13600000001")
    proxy = Proxy(server.port)
    with a.uow() as uow:
        uow.repo(SyncState).set("server_url", proxy.url)
        uow.commit()
    proxy.refuse = True
    report = sync_once(a.desk, timeout=5)
    assert report.error is not None and report.error.code == "sync.error.network"
    assert syncing.status(a.uow()).waiting == outbox_size(a)
    proxy.refuse = False
    assert sync_once(a.desk).ok
    assert_exactly_once(server, a)
    proxy.close()


def test_reply_lost_after_the_server_committed(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    fill_outbox(a, 1200)
    proxy = Proxy(server.port)
    with a.uow() as uow:
        uow.repo(SyncState).set("server_url", proxy.url)
        uow.commit()
    proxy.drop_push_replies = 2
    first = sync_once(a.desk, timeout=10, batch_size=500)
    assert first.error is not None and first.error.code == "sync.error.network"
    second = sync_once(a.desk, timeout=10, batch_size=500)
    assert not second.ok  # the second lost reply
    last = sync_once(a.desk, timeout=10, batch_size=500)
    assert last.ok, last.error
    assert last.duplicates > 0  # what the server had stored came back as duplicates
    assert_exactly_once(server, a)
    proxy.close()


def test_server_killed_and_restarted_mid_batch(
    make_server: Callable[..., Server], make_station: Callable[..., Station]
) -> None:
    server = make_server()
    a = enrolled(server, make_station("东湖驿站"))
    fill_outbox(a, 6000)
    rng = random.Random(11)
    for _ in range(3):
        worker = threading.Thread(target=sync_once, args=(a.desk,), kwargs={"timeout": 10})
        worker.start()
        time.sleep(rng.uniform(0.05, 0.6))
        server.kill()
        worker.join(60)
        assert not worker.is_alive()
        server.start()  # same port, same database
    assert sync_once(a.desk).ok
    assert_exactly_once(server, a)


def test_batches_twice_out_of_order_and_altered(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    fill_outbox(a, 300)
    events = syncing.outbox_batch(a.uow(), 1000)
    first, second = events[:150], events[150:]
    url, token, epoch = syncing.server(a.uow(), a.desk.paths.keys) or ("", "", None)
    with ServerClient(url, token, epoch) as client:
        later = client.push(second)  # out of order: the later batch arrives first
        assert {r.status for r in later.results} == {EventStatus.ACCEPTED}
        assert later.gap is not None and later.gap.received == second[0]["seq"]
        earlier = client.push(first)
        assert {r.status for r in earlier.results} == {EventStatus.ACCEPTED}
        again = client.push(first)  # the same batch delivered twice
        assert {r.status for r in again.results} == {EventStatus.DUPLICATE}
        altered = dict(first[0], payload={"tampered": True})
        bad = dict(first[1], station_id="11111111-1111-1111-1111-111111111111")
        broken = {"event_id": "not-an-id", "seq": -1}
        mixed = client.push([altered, bad, broken, first[2]])
    statuses = [(r.status, r.reason) for r in mixed.results]
    assert statuses[0] == (EventStatus.CONFLICT, "same_id_different_payload")
    assert statuses[1] == (EventStatus.REJECTED, "wrong_station")
    assert statuses[2][0] == EventStatus.REJECTED
    assert statuses[3] == (EventStatus.DUPLICATE, None)
    # The desk then syncs normally: everything is there exactly once.
    report = sync_once(a.desk)
    assert report.ok and report.pushed < outbox_size(a)
    assert_exactly_once(server, a)


def test_a_refused_event_is_quarantined_and_does_not_block_the_rest(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    assert sync_once(a.desk).ok
    fill_outbox(a, 3)
    with a.uow() as uow:  # an event the server must refuse, queued between good ones
        at = to_iso(uow.now())
        bad_ctx = a.ctx.__class__(
            "22222222-2222-2222-2222-222222222222",
            a.ctx.device_id,
            a.ctx.operator_id,
            a.ctx.operator_role,
        )
        uow.outbox.append(VISIT_RECORDED, "x" * 36, VisitRecorded(), bad_ctx, at)
        uow.commit()
    fill_outbox(a, 3)
    report = sync_once(a.desk)
    assert report.ok and report.quarantined == 1
    state = syncing.status(a.uow())
    assert state.waiting == 0 and state.quarantined == 1
    held = syncing.quarantined(a.uow())
    assert [q.reason for q in held] == ["rejected:wrong_station"]
    assert device_events(server, a) == outbox_size(a) - 1
    again = sync_once(a.desk)
    assert again.ok and again.pushed == 0 and again.quarantined == 0


def test_a_station_clock_a_year_off_changes_no_order(
    server: Server, make_station: Callable[..., Station]
) -> None:
    def a_year_ahead() -> datetime:
        return system_clock() + timedelta(days=365)

    a = enrolled(server, make_station("东湖驿站", clock=a_year_ahead))
    b = enrolled(server, make_station("光谷驿站"))
    first = register(a, "未来人", "13500000001")
    assert sync_once(a.desk).ok
    second = register(b, "现在人", "13500000002")
    assert sync_once(b.desk).ok
    assert sync_once(a.desk).ok
    assert [m.id for m in member_queries.search_members(b.uow(), "wlr")] == [first]
    assert [m.id for m in member_queries.search_members(a.uow(), "xzr")] == [second]
    assert_exactly_once(server, a)
    assert_exactly_once(server, b)


def test_an_interrupted_first_pull_resumes(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    for i in range(25):
        register(a, "测试" + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "子丑寅"[i // 10], f"1390000{i:04d}")
    assert sync_once(a.desk).ok
    b = enrolled(server, make_station("光谷驿站"))
    pages = {"n": 0}

    def after_two_pages() -> bool:
        return pages["n"] >= 2

    def count(phase: str, _done: int) -> None:
        if phase == "pull:members":
            pages["n"] += 1

    cut = sync_once(b.desk, page_size=5, progress=count, cancelled=after_two_pages)
    stopped_at = cut.pulled.get("members", 0)
    assert 10 <= stopped_at < 25  # stopped at a page boundary, pages applied are kept
    assert len(member_queries.member_ids(b.uow())) == stopped_at
    rest = sync_once(b.desk, page_size=5)
    assert rest.pulled["members"] == 25 - stopped_at
    assert len(member_queries.member_ids(b.uow())) == 25


def test_a_restored_server_makes_every_desk_resync(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    register(a, "赵六", "13300000006")
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    assert server.cli("new-epoch").returncode == 0
    report = sync_once(b.desk)
    assert report.ok and report.reset
    assert report.duplicates == outbox_size(b) and report.pushed == 0
    assert report.pulled["members"] == 1
    assert len(member_queries.member_ids(b.uow())) == 1


def test_two_server_processes_on_one_database_agree(
    make_server: Callable[..., Server], make_station: Callable[..., Station]
) -> None:
    one = make_server()
    two = make_server()
    a = enrolled(one, make_station("东湖驿站"))
    b = enrolled(two, make_station("光谷驿站"))
    member_id = register(a, "钱七", "13200000007")
    assert sync_once(a.desk).ok
    assert sync_once(b.desk).ok
    assert [m.id for m in member_queries.search_members(b.uow(), "qq")] == [member_id]
    checkin.check_in(checkin.CheckIn(member_id=member_id), b.uow(), b.ctx)
    assert sync_once(b.desk).ok
    assert one.stats() == two.stats()


def test_desk_killed_mid_sync_loses_and_doubles_nothing(
    server: Server, make_station: Callable[..., Station]
) -> None:
    import signal
    import subprocess

    from sqlalchemy import text

    from tests.unit.test_cli import COMMAND, REPO

    a = enrolled(server, make_station("东湖驿站"))
    fill_outbox(a, 8000)
    home = a.desk.paths.home
    rng = random.Random(5)
    for _ in range(3):
        process = subprocess.Popen(
            [*COMMAND, "sync", "--home", str(home)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 2.5))
        process.send_signal(signal.SIGKILL)  # a power cut at the desk, mid-sync
        process.wait(30)
    with a.uow().reading() as uow:
        assert uow.session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert sync_once(a.desk).ok
    assert_exactly_once(server, a)


def test_an_odd_payload_is_answered_without_a_server_error(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    fill_outbox(a, 2)
    events = syncing.outbox_batch(a.uow(), 10)
    url, token, epoch = syncing.server(a.uow(), a.desk.paths.keys) or ("", "", None)
    huge = dict(events[0], payload={"n": 2**70})  # beyond any 64-bit integer
    with ServerClient(url, token, epoch) as client:
        reply = client.http.post(
            "/v1/push",
            json={"events": [huge, events[1]]},
            headers={"Content-Type": "application/json"},
        )
    assert reply.status_code == 200, reply.text
    statuses = [r["status"] for r in reply.json()["results"]]
    assert statuses[0] in (EventStatus.REJECTED, EventStatus.ACCEPTED)
    assert statuses[1] == EventStatus.ACCEPTED


def _seed_members(server: Server, count: int) -> None:
    """Member registrations from another desk, written straight into the server's log."""
    from datetime import UTC

    from sync.server import db, log

    device = "01a20000-0000-7000-8000-00000000beef"
    now = datetime.now(UTC)
    database = db.Database(server.database_url)
    rows = []
    for i in range(count):
        payload = {
            "member_number": f"SEED01-{i + 1:05d}",
            "name": "测试" + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "子丑寅卯"[i // 10 % 4],
            "phone": f"139{i:08d}",
            "occupation": "",
            "employer": "",
            "union_branch": "",
            "tags": [],
            "active": True,
            "version": 1,
        }
        rows.append(
            {
                "event_id": f"01a20000-0000-7000-8000-{i:012d}",
                "device_id": device,
                "station_id": device,
                "seq": i + 1,
                "kind": "member.registered",
                "dataset": "members",
                "entity_id": f"01a20001-0000-7000-8000-{i:012d}",
                "operator_id": None,
                "device_time": now,
                "received_at": now,
                "payload": log.canonical(payload),
                "payload_hash": log.digest(payload),
            }
        )
    with database.transaction() as session:
        log.append(session, rows)
    database.dispose()


def test_desk_killed_mid_first_pull_is_consistent_and_pulls_again(
    server: Server, make_station: Callable[..., Station]
) -> None:
    """A first pull writes its pages without an fsync (durable only at its end): a desk
    killed mid-way keeps a sound file, every page its cursor counts, and pulls the rest."""
    import signal
    import sqlite3
    import subprocess

    from sqlalchemy import text

    from tests.unit.test_cli import COMMAND, REPO

    members = 12_000  # three pages of 5,000
    _seed_members(server, members)
    a = enrolled(server, make_station("东湖驿站"))
    database = a.desk.paths.database
    process = subprocess.Popen(
        [*COMMAND, "sync", "--home", str(a.desk.paths.home)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    held = 0
    deadline = time.monotonic() + 300
    while process.poll() is None and held == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        with contextlib.closing(sqlite3.connect(database, timeout=10)) as peek:
            held = peek.execute("SELECT count(*) FROM member").fetchone()[0]
    process.send_signal(signal.SIGKILL)  # a power cut at the desk, mid-pull
    process.wait(30)
    assert 0 < held < members  # killed after a page and before the last one
    with a.uow().reading() as uow:
        assert uow.session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        kept = uow.session.execute(text("SELECT count(*) FROM member")).scalar_one()
    # Everything the cursor says was applied is held; of the page after it, what its first
    # transactions wrote (that page comes again and is applied over it).
    applied = syncing.status(a.uow()).pulled.get("members", 0)
    assert applied <= kept < applied + PULL_PAGE
    report = sync_once(a.desk, timeout=120)
    assert report.ok and report.pulled["members"] == members - applied
    assert len(member_queries.member_ids(a.uow())) == members
    found = member_queries.search_members(a.uow(), f"SEED01{members:05d}")
    assert [m.member_number for m in found] == [f"SEED01-{members:05d}"]


def test_a_relaxed_unit_of_work_skips_only_its_own_fsync(
    make_station: Callable[..., Station],
) -> None:
    from sqlalchemy import text

    a = make_station("东湖驿站")
    synchronous = text("PRAGMA synchronous")
    with a.uow().relaxed() as uow:
        assert uow.session.execute(synchronous).scalar_one() == 1  # NORMAL
        uow.commit()
    for _ in range(3):  # whichever pooled connection: every other transaction is FULL
        with a.uow() as uow:
            assert uow.session.execute(synchronous).scalar_one() == 2  # FULL
        with a.uow().reading() as uow:
            assert uow.session.execute(synchronous).scalar_one() == 2
