"""Members written in bulk, with plain rows and one ``executemany`` per table, no ORM object
per row: a first pull (hundreds of thousands of members from the server, `insert_members`)
and the demo generator (`insert_registrations`: what `MemberRepository.add` with its keys,
then ``add_revision``, leaves in the store).

Statements are made from the tables' own columns, so a column added by a migration is
written here too (or the insert fails on a missing value, never silently).
"""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table

from desktop.storage.members.tables import MemberRevisionRow, MemberRow, MemberSearchKeyRow


def _columns(row: type[Any]) -> tuple[str, ...]:
    return tuple(cast(Table, row.__table__).columns.keys())


def _insert(table: str, columns: Sequence[str], verb: str = "INSERT") -> str:
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


MEMBER_COLUMNS = _columns(MemberRow)
"""Every column of ``member``, in the table's order: the order `insert_members` takes a
row's values in, and the order of a revision's JSON."""

_INSERT_MEMBER = _insert(MemberRow.__tablename__, MEMBER_COLUMNS)
_member_values = operator.itemgetter(*MEMBER_COLUMNS)  # a dict's values in column order
_INSERT_KEY = _insert(MemberSearchKeyRow.__tablename__, ("key", "member_id"))
_INSERT_KEY_ONCE = _insert(
    MemberSearchKeyRow.__tablename__, ("key", "member_id"), "INSERT OR IGNORE"
)
_INSERT_REVISION = _insert(
    MemberRevisionRow.__tablename__, ("member_id", "version", "data", "operator_id", "device_time")
)


def existing_members(connection: Connection, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are members here already (one query, however many ids)."""
    if not ids:
        return set()
    found = connection.exec_driver_sql(
        "SELECT id FROM member WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    )
    return {member_id for (member_id,) in found}


def insert_members(
    connection: Connection,
    rows: list[tuple[Any, ...]],
    keys: list[tuple[str, str]],
) -> None:
    """Insert pulled members and their search keys, inside the caller's transaction.

    ``rows``: one value per ``MEMBER_COLUMNS`` for each member this desk does not hold yet
    (an id already here is an integrity error). ``keys``: (search key, member id) pairs,
    lower-case and at most 60 characters, as ``desktop.services.members.commands.search_keys``
    makes them; duplicates are skipped. The keys are sorted here: inserted in key order, each
    leaf of the key index is visited once instead of once per key.
    """
    if rows:
        connection.exec_driver_sql(_INSERT_MEMBER, rows)
    if keys:
        keys.sort()
        connection.exec_driver_sql(_INSERT_KEY_ONCE, keys)


def insert_registrations(
    cursor: sqlite3.Cursor,
    members: Sequence[dict[str, Any]],
    keys: Iterable[tuple[str, str]],
) -> None:
    """Insert new members, their search keys and their first revisions, in the cursor's
    transaction: what registering each of them at this desk writes.

    ``members``: one dict per member with every column of `MEMBER_COLUMNS`, valued as the
    ORM row holds them after a flush (``active`` True, ``from_card`` False, ``merged_into``
    None, ``version`` 1). ``keys``: (key, member id), each pair once (`search_keys` of the
    name and number, deduplicated). Each member's revision is the row as JSON, written by
    its own operator at its own ``device_time``: the same row ``add_revision`` writes at
    registration.
    """
    rows = [_member_values(member) for member in members]
    cursor.executemany(_INSERT_MEMBER, rows)
    # In key order: the primary key's B-tree is filled from left to right, not at random.
    cursor.executemany(_INSERT_KEY, sorted(keys))
    cursor.executemany(
        _INSERT_REVISION,
        [
            (
                member["id"],
                member["version"],
                json.dumps(dict(zip(MEMBER_COLUMNS, row, strict=True)), ensure_ascii=False),
                member["operator_id"],
                member["device_time"],
            )
            for member, row in zip(members, rows, strict=True)
        ],
    )
