"""Continuing after what the server holds, when this desk was restored from an older backup.

A restored desk counts on from where its backup stopped: its next events reuse sequence
numbers the server already holds from it, and its next members reuse member numbers. The
server refuses such a batch and says how far it got (``sync/server/rewind.py``); here, in
one transaction and before the desk records anything else:

- the waiting events move past the server's last sequence, in their order;
- the outbox's counter and the member counter move past the server's;
- members registered since the restore whose numbers the server already holds for other
  people get the next free numbers (their search keys and their waiting events follow:
  those events were never sent, so nobody has seen the old number but this desk).

The audit trail records the rewind and every renumbered member.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from desktop.domain.clock import to_iso
from desktop.domain.people import format_member_number
from desktop.services.members.commands import search_keys
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.members.tables import MemberRow
from desktop.storage.sync.tables import OutboxRow
from desktop.storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Continued:
    moved_events: int  # waiting events given later sequence numbers
    renumbered: dict[str, str]  # old member number -> new


def continue_after(uow: UnitOfWork, last_seq: int, member_seq: int) -> Continued:
    """Move this desk's sequences past ``last_seq`` and its member numbers past
    ``member_seq`` (the server's figures for it)."""
    with uow:
        session = uow.session
        device = uow.device.row()
        assert device is not None
        moved = _move_waiting_events(uow, last_seq)
        renumbered = _renumber_members(uow, device.code, device.next_member_seq, member_seq)
        device.next_member_seq = max(device.next_member_seq, member_seq + 1 + len(renumbered))
        session.flush()
        uow.audit.record(
            "sequence_rewound",
            None,
            to_iso(uow.now()),
            server_last_seq=last_seq,
            server_member_seq=member_seq,
            moved_events=moved,
            renumbered=renumbered,
        )
        uow.commit()
    log.warning(
        "restored desk: %d waiting events moved past %d, %d members renumbered past %d",
        moved,
        last_seq,
        len(renumbered),
        member_seq,
    )
    return Continued(moved, renumbered)


def _move_waiting_events(uow: UnitOfWork, last_seq: int) -> int:
    session = uow.session
    waiting = session.execute(
        text("SELECT min(seq), count(*) FROM outbox WHERE pushed_at IS NULL")
    ).one()
    first, count = waiting
    if first is not None and first <= last_seq:
        shift = last_seq + 1 - first
        # In two steps, so that no row takes a number another still holds on the way.
        session.execute(text("UPDATE outbox SET seq = -seq WHERE pushed_at IS NULL"))
        session.execute(
            text("UPDATE outbox SET seq = :shift - seq WHERE seq < 0"), {"shift": shift}
        )
    else:
        count = 0
    # AUTOINCREMENT continues after max(sqlite_sequence, max(seq)): also past the server's.
    updated = session.execute(
        text("UPDATE sqlite_sequence SET seq = max(seq, :last) WHERE name = 'outbox'"),
        {"last": last_seq},
    )
    if getattr(updated, "rowcount", 0) == 0:
        session.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', :last)"),
            {"last": last_seq},
        )
    return int(count or 0)


def _renumber_members(uow: UnitOfWork, code: str, next_seq: int, server_seq: int) -> dict[str, str]:
    """Members of this device whose registration is still waiting and whose number the
    server already holds: the next numbers after the server's, in the order they came."""
    session = uow.session
    waiting_ids = {
        entity_id
        for (entity_id,) in session.execute(
            text(
                "SELECT entity_id FROM outbox WHERE pushed_at IS NULL "
                "AND kind = 'member.registered'"
            )
        )
    }
    if not waiting_ids:
        return {}
    prefix = f"{code}-"
    clashing: list[tuple[int, MemberRow]] = []
    for row in session.query(MemberRow).filter(MemberRow.id.in_(waiting_ids)):
        tail = row.member_number[len(prefix) :] if row.member_number.startswith(prefix) else ""
        if tail.isdigit() and int(tail) <= server_seq:
            clashing.append((int(tail), row))
    renumbered: dict[str, str] = {}
    following = max(next_seq, server_seq + 1)
    members = uow.repo(MemberRepository)
    for _seq, row in sorted(clashing, key=lambda pair: pair[0]):
        old, new = row.member_number, format_member_number(code, following)
        following += 1
        row.member_number = new
        members.replace_keys(row.id, search_keys(row.name, new))
        renumbered[old] = new
    if renumbered:
        _rewrite_waiting_payloads(uow, renumbered)
    return renumbered


def _rewrite_waiting_payloads(uow: UnitOfWork, renumbered: dict[str, str]) -> None:
    session = uow.session
    for row in session.query(OutboxRow).filter(OutboxRow.pushed_at.is_(None)):
        if not any(old in row.payload for old in renumbered):
            continue
        value = _replaced(json.loads(row.payload), renumbered)
        row.payload = json.dumps(value, ensure_ascii=False, sort_keys=True)


def _replaced(value: Any, renumbered: dict[str, str]) -> Any:
    if isinstance(value, str):
        return renumbered.get(value, value)
    if isinstance(value, list):
        return [_replaced(v, renumbered) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, renumbered) for k, v in value.items()}
    return value
