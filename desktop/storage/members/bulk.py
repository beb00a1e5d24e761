"""Members written in bulk: a first pull (hundreds of thousands from the server) and the demo
generator. Plain rows and one ``executemany`` per table, no ORM objects."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

MEMBER_COLUMNS = (
    "id",
    "member_number",
    "name",
    "name_sort",
    "phone",
    "phone_tail",
    "occupation",
    "employer",
    "union_branch",
    "tags",
    "id_hash",
    "id_last4",
    "consent_at",
    "active",
    "deactivated_reason",
    "version",
    "station_id",
    "device_id",
    "operator_id",
    "device_time",
    "updated_at",
    "from_card",
    "merged_into",
)
"""Every column of ``member``, in the order ``insert_members`` takes a row's values."""

_INSERT_MEMBER = (
    f"INSERT INTO member ({', '.join(MEMBER_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(MEMBER_COLUMNS))})"
)
_INSERT_KEY = "INSERT OR IGNORE INTO member_search_key (key, member_id) VALUES (?, ?)"


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
    """Insert new members and their search keys, inside the caller's transaction.

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
        connection.exec_driver_sql(_INSERT_KEY, keys)
