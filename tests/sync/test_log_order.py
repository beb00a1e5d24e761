"""The event log's order is its commit order: a puller never sees event N+1 while N is being
written (it would pass N for ever), even now that pushes of different stations do their
rules side by side and take the log's lock last (``sync/server/log.py``).

In-process, on PostgreSQL (WAYSTATION_TEST_POSTGRES; SQLite has one writer at a time):
push A is held open after its events are numbered; push B, of another station, must not
become visible before A commits, and must come after it in the log.
"""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import text

from sync.protocol import EnrolRequest
from sync.protocol.events.aid import HANDOUT_RECORDED, HandoutRecorded, ItemLine
from sync.protocol.events.visits import VISIT_RECORDED, VisitRecorded
from sync.server import admin, ingest, log
from sync.server.db import Database, migrate
from sync.server.signing import ServerKey


@pytest.fixture
def database(server_db: str) -> Iterator[Database]:
    if not server_db.startswith("postgresql"):
        # SQLite has one writer at a time, from BEGIN to COMMIT: the question never arises.
        pytest.skip("the log's order under concurrent pushes is PostgreSQL's question")
    found = Database(server_db)
    migrate(found.engine)
    yield found
    found.dispose()


def _enrolled(database: Database, key: ServerKey, name: str) -> tuple[str, str, str]:
    """(device token, device id, server station id) of a new station's device."""
    with database.transaction() as s:
        station = admin.create_station(s, name, "station")
    public = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    device_id = str(uuid.uuid4())
    request = EnrolRequest(
        code=station.code,
        device_id=device_id,
        device_code=f"T{uuid.uuid4().hex[:5].upper()}",
        public_key=base64.b64encode(public).decode(),
        local_station_id=str(uuid.uuid4()),
    )
    with database.transaction() as s:
        reply = admin.enrol(s, request, key)
    return reply.device_token, device_id, reply.station_id


def _event(device_id: str, station_id: str, handout: bool = False) -> dict[str, Any]:
    if handout:
        kind: Any = HANDOUT_RECORDED
        payload: Any = HandoutRecorded(
            campaign_id=str(uuid.uuid4()),
            member_id=str(uuid.uuid4()),
            desk="T1",
            items=(ItemLine(item_id=str(uuid.uuid4()), quantity=1),),
            local_date="2026-12-03",
        )
    else:
        kind = VISIT_RECORDED
        payload = VisitRecorded(member_id=None, services=("water",), local_date="2026-12-03")
    return {
        "event_id": str(uuid.uuid4()),
        "seq": 1,
        "kind": kind.name,
        "entity_id": str(uuid.uuid4()),
        "station_id": station_id,
        "device_id": device_id,
        "operator_id": None,
        "device_time": "2026-12-03T01:00:00Z",
        "payload": kind.encode(payload),
    }


def _visible(database: Database, event_ids: list[str]) -> dict[str, int]:
    with database.transaction() as s:
        rows = s.execute(
            text("SELECT event_id, server_seq FROM event WHERE event_id IN (:a, :b)"),
            {"a": event_ids[0], "b": event_ids[1]},
        )
        return {str(event_id): int(seq) for event_id, seq in rows}


def _waits_for_the_log(database: Database) -> bool:
    """Whether some transaction waits for the log's lock (PostgreSQL)."""
    with database.transaction() as s:
        waiting = s.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = :key"
            ),
            {"key": log.LOG_LOCK},
        ).scalar_one()
    return bool(waiting)


@pytest.mark.parametrize("second_handout", [False, True], ids=["visit", "handout"])
def test_a_later_push_never_commits_before_an_earlier_numbered_one(
    database: Database, tmp_path: Path, second_handout: bool
) -> None:
    key = ServerKey.load_or_create(tmp_path / "server.key")
    token_a, device_a, station_a = _enrolled(database, key, "东湖驿站")
    token_b, device_b, station_b = _enrolled(database, key, "光谷驿站")
    # A is a handout: its rules run under the log's lock, so it can be held open after its
    # numbers. (A batch of visits commits in the very pipeline that numbers it: no moment
    # exists at which it holds the lock and waits for this process.)
    first = _event(device_a, station_a, handout=True)
    second = _event(device_b, station_b, handout=second_handout)
    numbered, release, done = threading.Event(), threading.Event(), threading.Event()
    seqs: dict[str, int] = {}
    errors: list[BaseException] = []

    def push(token: str, event: dict[str, Any], hold: bool) -> None:
        try:
            with database.transaction() as s:
                device, _epoch = admin.device_for_push(s, token)
                assert device is not None
                reply = ingest.push(s, device, [event], key)
                assert reply.results[0].status == "accepted", reply.results[0]
                seqs[event["event_id"]] = int(reply.results[0].server_seq or 0)
                if hold:
                    numbered.set()
                    assert release.wait(60)
        except BaseException as error:  # reported by the test's thread
            errors.append(error)
            numbered.set()
        finally:
            if not hold:
                done.set()

    a = threading.Thread(target=push, args=(token_a, first, True))
    a.start()
    assert numbered.wait(60)
    b = threading.Thread(target=push, args=(token_b, second, False))
    b.start()
    # B does its checks (and, for a visit, its rules), then waits for the lock A holds
    # until its commit.
    for _ in range(600):
        if _waits_for_the_log(database) or done.is_set():
            break
        done.wait(0.05)
    assert not done.is_set(), "B committed while A, numbered before it, was open"
    assert _waits_for_the_log(database)
    assert _visible(database, [first["event_id"], second["event_id"]]) == {}
    release.set()
    a.join(60)
    b.join(60)
    assert not errors, errors
    visible = _visible(database, [first["event_id"], second["event_id"]])
    assert visible == seqs
    assert seqs[first["event_id"]] < seqs[second["event_id"]]
