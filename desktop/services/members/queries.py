"""Read-side queries of members for screens and the command line: plain rows, no ORM graphs.

Search-as-you-type must answer within a few milliseconds at 200,000 members, so every
query here is an index range scan with a LIMIT.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import text

from desktop.domain.errors import InvalidInput
from desktop.domain.model import Member
from desktop.domain.people import normalise_digits, normalise_phone
from desktop.domain.pinyin import query_key
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork

SEARCH_LIMIT = 20


FILTER_LIMIT = 500  # the member list shows at most this many matches of a filter


def search_members(uow: UnitOfWork, typed: str, limit: int = SEARCH_LIMIT) -> list[Member]:
    """Members matching what a person typed: phone tail, phone, member number, name, pinyin.

    Exact phone-tail and phone matches come first, then search keys in key order (an exact
    key sorts before its longer completions).
    """
    digits = normalise_digits(typed).replace(" ", "").replace("-", "")
    key = query_key(typed)
    if not key:
        return []
    phone = _full_phone(typed) if len(digits) >= 11 else None
    ids: list[str] = []
    with uow.reading():
        connection = uow.session.connection()
        if phone:
            ids += connection.execute(
                text("SELECT id FROM member WHERE phone = :p AND merged_into IS NULL LIMIT :n"),
                {"p": phone, "n": limit},
            ).scalars()
        elif digits.isdigit() and len(digits) == 4:
            ids += connection.execute(
                text(
                    "SELECT id FROM member WHERE phone_tail = :t AND merged_into IS NULL LIMIT :n"
                ),
                {"t": digits, "n": limit},
            ).scalars()
        ids += connection.execute(
            text(
                "SELECT member_id FROM member_search_key WHERE key >= :lo AND key < :hi "
                "ORDER BY key LIMIT :n"
            ),
            {"lo": key, "hi": key + "\U0010ffff", "n": limit * 3},
        ).scalars()
        ordered = list(dict.fromkeys(ids))[:limit]
        return uow.repo(MemberRepository).many(ordered)


def _full_phone(typed: str) -> str | None:
    """A complete mobile number in any accepted spelling (+86, spaces, full-width)."""
    try:
        return normalise_phone(typed)
    except InvalidInput:
        return None


MEMBER_SORTS = {
    "member_number": "member_number",
    "name": "name_sort",
    "phone": "phone",
    "occupation": "occupation",
    "registered": "device_time",
    "active": "active",
}


@dataclass(frozen=True)
class MemberRow:
    id: str
    member_number: str
    name: str
    phone: str | None
    occupation: str
    employer: str
    tags: tuple[str, ...]
    active: bool
    registered_at: str


def member_ids(
    uow: UnitOfWork, sort: str = "registered", descending: bool = False, typed: str = ""
) -> list[str]:
    """Ids of all members in display order, or of those matching ``typed``."""
    if typed.strip():
        return [m.id for m in search_members(uow, typed, limit=FILTER_LIMIT)]
    column = MEMBER_SORTS.get(sort, "device_time")
    direction = "DESC" if descending else "ASC"
    with uow.reading():
        return list(
            uow.session.execute(
                text(
                    "SELECT id FROM member WHERE merged_into IS NULL "
                    f"ORDER BY {column} {direction}, id"
                )
            ).scalars()
        )


def member_rows(uow: UnitOfWork, ids: list[str]) -> dict[str, MemberRow]:
    if not ids:
        return {}
    with uow.reading():
        rows = uow.session.execute(
            text(
                "SELECT id, member_number, name, phone, occupation, employer, tags, active, "
                "device_time FROM member WHERE id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": json.dumps(ids)},
        ).all()
    return {
        row[0]: MemberRow(
            id=row[0],
            member_number=row[1],
            name=row[2],
            phone=row[3],
            occupation=row[4],
            employer=row[5],
            tags=tuple(json.loads(row[6])),
            active=bool(row[7]),
            registered_at=row[8],
        )
        for row in rows
    }
