"""Appending to the event log: the one place where server sequence numbers are taken.

On PostgreSQL, concurrent transactions could commit their sequence numbers out of order, and a
puller that saw 101 committed before 100 would skip 100 for ever. So every writer of the log
takes one transaction-scoped advisory lock (``LOG_LOCK``) in the statement that takes its
numbers, and holds it until its commit: whoever takes numbers after it waits for that
commit, so sequence numbers are committed in the order they were handed out, and a pull
cursor never passes an event still being written. (A number taken by a transaction that
then rolls back is a gap no event will ever fill: a puller may pass it.)

The lock is held from the numbers to the commit, and for nothing before: a push does its
checks, its look-ups and (for a batch of station-local kinds, ``rules.STATION_LOCAL``) its
rules first, side by side with other devices' pushes, and takes the lock last
(``ingest.push``). Locks are always taken in one order: a push takes its station's lock
(``STATION_LOCK``, with its device row) before the log's, and nothing that holds the log's
lock waits for a station's.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sync.protocol import SERVER_DEVICE_ID, EventKind, kind_of
from sync.protocol.contract import Payload
from sync.server import bulk
from sync.server.models import EventRow

if TYPE_CHECKING:
    from sync.server.signing import ServerKey

LOG_LOCK = 0x5753_594E  # "WSYN"
# With a hash of the station's id, the two-key advisory lock of one station's pushes (the
# two-key locks are a space of their own: never the same lock as LOG_LOCK).
STATION_LOCK = 0x5753_5354  # "WSST"


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; the server stores UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def canonical(data: Any) -> str:
    """Compact JSON with sorted keys: the same data always gives the same text."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def digest(data: Any) -> str:
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def lock_log(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOG_LOCK})


COLUMNS = (
    "event_id",
    "device_id",
    "station_id",
    "seq",
    "kind",
    "dataset",
    "entity_id",
    "operator_id",
    "device_time",
    "received_at",
    "payload",
    "payload_hash",
    "signature",
)


def append(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert event rows (dicts of EventRow columns); returns their server sequences.

    Never an INSERT ... RETURNING of hundreds of rows (psycopg parses that statement anew
    each time): PostgreSQL takes the sequences first and COPYs; SQLite inserts by
    executemany and looks the sequences up.
    """
    if not rows:
        return []
    values = [tuple(row.get(column) for column in COLUMNS) for row in rows]
    connection = session.connection()
    if session.get_bind().dialect.name == "postgresql":
        # The log lock and the sequence numbers in one round trip (the lock is an InitPlan:
        # a one-time filter PostgreSQL evaluates before the first number is taken), then one
        # COPY: about twice as fast as a pipelined executemany, and no lookup afterwards.
        # What the push gathered to write (``bulk.deferred``: its figures, its device's
        # counters) goes in the same statement, as CTEs.
        statement, params = bulk.statement_with_pending(
            session,
            [],
            "SELECT nextval(pg_get_serial_sequence('event', 'server_seq')) "
            "FROM generate_series(1, %s) "
            "WHERE (SELECT pg_advisory_xact_lock(%s)::text) IS NOT NULL",
            (len(values), LOG_LOCK),
        )
        taken = connection.exec_driver_sql(statement, params)
        sequences = sorted(int(seq) for (seq,) in taken)
        raw = connection.connection.driver_connection
        assert raw is not None
        copying = f"COPY event (server_seq, {', '.join(COLUMNS)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(copying) as copy:
            for seq, value in zip(sequences, values, strict=True):
                copy.write_row((seq, *value))
        return sequences
    lock_log(session)
    marks = ", ".join("?" * len(COLUMNS))
    connection.exec_driver_sql(f"INSERT INTO event ({', '.join(COLUMNS)}) VALUES ({marks})", values)
    stored = known(session, [row["event_id"] for row in rows])
    found = {event_id: seq for event_id, seq, _hash in stored}
    return [found[row["event_id"]] for row in rows]


# Up to this many rows, ``append_and_commit`` inserts from arrays in the statement that takes
# the lock and the numbers, with the COMMIT behind it in one pipeline; more (a desk catching
# up, 500 a batch) go by COPY, which costs far less CPU per row.
SMALL_BATCH = 50


def append_and_commit(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """``append``, then commit the transaction: its last step (a push of station-local kinds).

    On PostgreSQL a small batch holds the log's lock for no round trip to this process at
    all: the lock, the numbers, the insert (with what ``bulk.deferred`` gathered) and the
    COMMIT go in one pipeline, so PostgreSQL takes and releases the lock without waiting
    for Python. (Holding it across two more round trips, a thread starved of CPU among 40
    others on a loaded machine held every other push waiting: 22 pushes/s.)"""
    if not rows or len(rows) > SMALL_BATCH or session.get_bind().dialect.name != "postgresql":
        sequences = append(session, rows)
        bulk.flush(session)  # no rows (all duplicates): the device's counters still go
        session.commit()
        return sequences
    from sync.server.models import EventRow

    table = EventRow.__table__
    dialect = session.get_bind().dialect
    arrays = ", ".join(f"%s::{table.c[c].type.compile(dialect=dialect)}[]" for c in COLUMNS)
    named = ", ".join(COLUMNS)
    insert = (
        f"INSERT INTO event (server_seq, {named}) "
        f"SELECT nextval(pg_get_serial_sequence('event', 'server_seq')), {named} "
        f"FROM (SELECT * FROM unnest({arrays}) WITH ORDINALITY AS u({named}, n) ORDER BY n) u "
        "WHERE (SELECT pg_advisory_xact_lock(%s)::text) IS NOT NULL "
        "RETURNING event_id, server_seq"
    )
    params = [[row.get(column) for row in rows] for column in COLUMNS]
    statement, values = bulk.statement_with_pending(session, [], insert, (*params, LOG_LOCK))
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.pipeline(), raw.cursor() as cursor:
        cursor.execute(statement, values)
        raw.commit()
        numbered = {str(event_id): int(seq) for event_id, seq in cursor.fetchall()}
    session.commit()  # nothing left to send: psycopg skips a COMMIT outside a transaction
    return [numbered[row["event_id"]] for row in rows]


def known(session: Session, event_ids: list[str]) -> list[tuple[str, int, str]]:
    """(event id, server sequence, payload hash) of those ids already stored."""
    if not event_ids:
        return []
    connection = session.connection()
    if session.get_bind().dialect.name == "postgresql":
        result = connection.exec_driver_sql(
            "SELECT event_id, server_seq, payload_hash FROM event WHERE event_id = ANY(%s)",
            (event_ids,),
        )
        return [(str(a), int(b), str(c)) for a, b, c in result]
    found: list[tuple[str, int, str]] = []
    for start in range(0, len(event_ids), 900):
        chunk = event_ids[start : start + 900]
        marks = ", ".join("?" * len(chunk))
        result = connection.exec_driver_sql(
            f"SELECT event_id, server_seq, payload_hash FROM event WHERE event_id IN ({marks})",
            tuple(chunk),
        )
        found += [(str(a), int(b), str(c)) for a, b, c in result]
    return found


def server_event(
    kind: EventKind[Any],
    entity_id: str,
    payload: Payload,
    key: ServerKey,
    station_id: str = SERVER_DEVICE_ID,
) -> dict[str, Any]:
    """A row for an event the server itself makes (enrolments, revocations, conflicts),
    signed with the server's key: desks believe these only when the signature verifies."""
    from uuid6 import uuid7

    if not kind.author.server_may_make:
        raise ValueError(f"{kind.name} is not a server-authored kind")
    data = kind.encode(payload)
    text_ = canonical(data)
    at = now()
    event_id = str(uuid7())
    return {
        "event_id": event_id,
        "device_id": SERVER_DEVICE_ID,
        "station_id": station_id,
        "seq": 0,
        "kind": kind.name,
        "dataset": kind.dataset,
        "entity_id": entity_id,
        "operator_id": None,
        "device_time": at,
        "received_at": at,
        "payload": text_,
        "payload_hash": digest(data),
        "signature": key.sign(kind.name, event_id, entity_id, station_id, text_),
    }


def sign_unsigned(session: Session, key: ServerKey, again: bool = False) -> int:
    """Sign the server's own events that have no signature yet (made before the server had a
    key), or all of them (``again``: after a key change). Only rows the server made: its
    device id and sequence 0, which no desk can push. Returns how many were signed."""
    query = select(EventRow).where(EventRow.device_id == SERVER_DEVICE_ID, EventRow.seq == 0)
    if not again:
        query = query.where(EventRow.signature.is_(None))
    rows = session.scalars(query).all()
    signed = 0
    for row in rows:
        declared = kind_of(row.kind)
        if declared is None or not declared.author.server_may_make:
            continue
        row.signature = key.sign(row.kind, row.event_id, row.entity_id, row.station_id, row.payload)
        signed += 1
    return signed
