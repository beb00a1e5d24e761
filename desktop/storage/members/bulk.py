"""New members written in bulk, straight through the DB-API cursor: what a member written by
`MemberRepository` (``add`` with its keys, then ``add_revision``) leaves in the store, for
writers of many members at once (the demo data), without an ORM object per row.

Statements are made from the tables' own columns, so a column added by a migration is
written here too (or the insert fails on a missing value, never silently).
"""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table

from desktop.storage.members.tables import MemberRevisionRow, MemberRow, MemberSearchKeyRow


def _columns(row: type[Any]) -> tuple[str, ...]:
    return tuple(cast(Table, row.__table__).columns.keys())


def _insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


# Every column of ``member``, in the table's order (the order of a revision's JSON too).
MEMBER_COLUMNS = _columns(MemberRow)
_INSERT_MEMBER = _insert(MemberRow.__tablename__, MEMBER_COLUMNS)
_member_values = operator.itemgetter(*MEMBER_COLUMNS)  # a dict's values in column order
_INSERT_KEY = _insert(MemberSearchKeyRow.__tablename__, ("key", "member_id"))
_INSERT_REVISION = _insert(
    MemberRevisionRow.__tablename__, ("member_id", "version", "data", "operator_id", "device_time")
)


def insert_members(
    cursor: sqlite3.Cursor,
    members: Sequence[dict[str, Any]],
    keys: Iterable[tuple[str, str]],
) -> None:
    """Insert new members, their search keys and their first revisions, in the cursor's
    transaction.

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
