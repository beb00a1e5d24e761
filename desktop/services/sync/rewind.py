"""Continuing after what the server holds, when this desk was restored from an older backup.

A restored desk counts on from where its backup stopped: its next events reuse sequence
numbers the server already holds from it, and its next members reuse member numbers. The
server refuses such a batch and says how far it got (``sync/server/rewind.py``); here, in
one transaction and before the desk records anything else:

- the waiting events move past the server's last sequence, in their order;
- the outbox's counter and the member counter move past the server's;
- members registered since the restore whose numbers the server already holds for other
  people get the next free numbers (their search keys and their waiting events follow:
  those events were never sent, so nobody has seen the old number but this desk);
- certificates issued since the restore whose serials the server already holds get the
  next free serials, signed anew (their course links and waiting events follow). A paper
  printed before this carries the old serial and no longer verifies: the audit trail and
  the sync report name them, to print again.

The audit trail records the rewind, every renumbered member and certificate.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from desktop.domain.clock import to_iso
from desktop.domain.people import format_member_number
from desktop.services.certificates.commands import certificate_fields
from desktop.services.members.commands import search_keys
from desktop.storage.certificates.tables import CertificateRow
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.members.tables import MemberRow
from desktop.storage.sync.tables import OutboxRow
from desktop.storage.uow import UnitOfWork
from sync.protocol.certificates import (
    certificate_serial,
    parse_certificate_serial,
    sign_certificate,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Continued:
    moved_events: int  # waiting events given later sequence numbers
    renumbered: dict[str, str]  # old member number -> new
    reserialled: dict[str, str] = field(default_factory=dict)  # old certificate serial -> new


def continue_after(
    uow: UnitOfWork,
    last_seq: int,
    member_seq: int,
    certificate_seq: int = 0,
    private_key: Ed25519PrivateKey | None = None,
) -> Continued:
    """Move this desk's sequences past ``last_seq``, its member numbers past ``member_seq``
    and its certificate serials past ``certificate_seq`` (the server's figures for it);
    ``private_key`` (this device's) signs renumbered certificates anew."""
    with uow:
        session = uow.session
        device = uow.device.row()
        assert device is not None
        moved = _move_waiting_events(uow, last_seq)
        renumbered = _renumber_members(uow, device.code, device.next_member_seq, member_seq)
        device.next_member_seq = max(device.next_member_seq, member_seq + 1 + len(renumbered))
        reserialled = _renumber_certificates(
            uow, device.code, device.next_certificate_seq, certificate_seq, private_key
        )
        device.next_certificate_seq = max(
            device.next_certificate_seq, certificate_seq + 1 + len(reserialled)
        )
        session.flush()
        uow.audit.record(
            "sequence_rewound",
            None,
            to_iso(uow.now()),
            server_last_seq=last_seq,
            server_member_seq=member_seq,
            server_certificate_seq=certificate_seq,
            moved_events=moved,
            renumbered=renumbered,
            reserialled=reserialled,
        )
        uow.commit()
    log.warning(
        "restored desk: %d waiting events moved past %d, %d members renumbered past %d, "
        "%d certificates past %d (print those again: %s)",
        moved,
        last_seq,
        len(renumbered),
        member_seq,
        len(reserialled),
        certificate_seq,
        ", ".join(reserialled.values()),
    )
    return Continued(moved, renumbered, reserialled)


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


def _renumber_certificates(
    uow: UnitOfWork,
    code: str,
    next_seq: int,
    server_seq: int,
    private_key: Ed25519PrivateKey | None,
) -> dict[str, str]:
    """Certificates of this device whose issue is still waiting and whose serial the server
    already holds: the next serials after the server's, signed anew, in the order issued."""
    session = uow.session
    waiting = {
        entity_id
        for (entity_id,) in session.execute(
            text(
                "SELECT entity_id FROM outbox WHERE pushed_at IS NULL "
                "AND kind = 'certificate.issued'"
            )
        )
    }
    clashing: list[tuple[int, CertificateRow]] = []
    for row in session.query(CertificateRow).filter(CertificateRow.serial.in_(waiting)):
        parsed = parse_certificate_serial(row.serial)
        if parsed is not None and parsed[0] == code and parsed[1] <= server_seq:
            clashing.append((parsed[1], row))
    if not clashing:
        return {}
    if private_key is None:  # a caller that cannot sign must not leave serials to repeat
        raise ValueError("certificates to renumber, and no key to sign them")
    replaced: dict[str, str] = {}
    reserialled: dict[str, str] = {}
    following = max(next_seq, server_seq + 1)
    for _seq, row in sorted(clashing, key=lambda pair: pair[0]):
        old, new = row.serial, certificate_serial(code, following)
        following += 1
        signature = sign_certificate(new, certificate_fields(row), private_key)
        replaced[old], replaced[row.signature] = new, signature
        reserialled[old] = new
        # The primary key changes: a new row, the course link follows, the old row goes.
        session.execute(
            text(
                "UPDATE certificate SET serial = :new, signature = :signature WHERE serial = :old"
            ),
            {"new": new, "signature": signature, "old": old},
        )
        session.execute(
            text("UPDATE course_certificate SET serial = :new WHERE serial = :old"),
            {"new": new, "old": old},
        )
        session.execute(
            text("UPDATE outbox SET entity_id = :new WHERE entity_id = :old AND pushed_at IS NULL"),
            {"new": new, "old": old},
        )
        session.expunge(row)  # its key changed underneath: the ORM forgets it
    _rewrite_waiting_payloads(uow, replaced)
    return reserialled


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
