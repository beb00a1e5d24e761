"""A handout beyond the campaign's limits, made at one desk while another desk (offline) had
already handed out to the same person: both are kept; one conflict names both.

Works from event payloads only: a handout event carries its campaign's limits
(``limits``: max_per_person, max_per_day, not_combinable_with). The desk checked its own
handouts and those it had pulled; only handouts from *other* desks make a conflict here. A
handout a station lead overrode at the desk was given knowingly and opens none, unless the
override was only of the desk's stock (``out_of_stock``): stock is each desk's own, judged
where the handout is made, and says nothing about the person's limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync.protocol import ConflictKind
from sync.protocol.events.aid import (
    HANDOUT_RECORDED,
    HANDOUT_VOIDED,
    OUT_OF_STOCK,
    HandoutLimits,
    HandoutRecorded,
    HandoutVoided,
)
from sync.server import bulk
from sync.server.models import DeviceRow, HandoutIndexRow
from sync.server.rules.engine import (
    Accepted,
    event_row,
    open_conflict,
    record_of,
    rule,
    stored_payload,
)
from sync.server.signing import ServerKey


def _summary(handout: HandoutRecorded) -> dict[str, Any]:
    """What a desk shows of each handout (no personal data beyond the member number); ``name``
    is what the desks' conflict list shows first: here the campaign."""
    return {
        "name": handout.campaign_name,
        "campaign_id": handout.campaign_id,
        "campaign_name": handout.campaign_name,
        "member_number": handout.member_number,
        "items": msgspec.to_builtins(handout.items),
        "desk": handout.desk,
        "operator_name": handout.operator_name,
        "local_date": handout.local_date,
        "collector_number": handout.collector_number,
    }


@dataclass(frozen=True)
class _Standing:
    """A handout that counts against its person's limits (not voided), as the index holds it."""

    handout_id: str
    event_id: str
    member_id: str
    campaign_id: str
    device_id: str
    local_date: str
    server_seq: int


_COLUMNS = (
    HandoutIndexRow.handout_id,
    HandoutIndexRow.event_id,
    HandoutIndexRow.member_id,
    HandoutIndexRow.campaign_id,
    HandoutIndexRow.device_id,
    HandoutIndexRow.local_date,
    HandoutIndexRow.server_seq,
)


def _chunks(values: list[str], size: int = 900) -> list[list[str]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def _indexed(
    session: Session, handout_ids: list[str], member_ids: list[str]
) -> tuple[set[str], dict[str, list[_Standing]]]:
    """In one query: which of these handouts the index holds already, and every standing
    (not voided) handout of these people, by person, in the order received."""
    wanted = set(handout_ids)
    known: set[str] = set()
    standing: dict[str, list[_Standing]] = {member: [] for member in member_ids}
    rows: list[_Standing] = []
    # PostgreSQL takes each list as one array, whatever its length: one chunk each.
    size = max(len(handout_ids), len(member_ids), 1) if bulk.is_postgres(session) else 900
    for ids in _chunks(handout_ids, size):
        for members in _chunks(member_ids, size):
            query = select(*_COLUMNS, HandoutIndexRow.voided).where(
                or_(
                    bulk.among(session, HandoutIndexRow.handout_id, ids),
                    bulk.among(session, HandoutIndexRow.member_id, members),
                )
            )
            for found in session.execute(query):
                row = _Standing(*found[:-1])
                voided = found[-1]
                if row.handout_id in wanted:
                    known.add(row.handout_id)
                if not voided and row.member_id in standing:
                    rows.append(row)
    seen: set[str] = set()
    for row in sorted(rows, key=lambda r: r.server_seq):
        if row.handout_id not in seen:  # a row can come back in two chunks' answers
            seen.add(row.handout_id)
            standing[row.member_id].append(row)
    return known, standing


def _broken(
    standing: list[_Standing], this: _Standing, limits: HandoutLimits
) -> tuple[str, dict[str, Any], list[_Standing]] | None:
    """The rule this handout breaks, its figures, and the other handouts it clashes with
    (``standing``: the person's standing handouts, this one included)."""
    mine = [h for h in standing if h.campaign_id == this.campaign_id]
    others = [h for h in mine if h.handout_id != this.handout_id]
    limit = limits.max_per_person
    if limit is not None and len(mine) > limit:
        return "max_per_person", {"limit": limit, "count": len(mine)}, others
    day_limit = limits.max_per_day
    same_day = [h for h in others if h.local_date == this.local_date]
    if day_limit is not None and len(same_day) + 1 > day_limit:
        return "max_per_day", {"limit": day_limit, "count": len(same_day) + 1}, same_day
    excluded = set(limits.not_combinable_with)
    if excluded:
        clashing = [h for h in standing if h.campaign_id in excluded]
        if clashing:
            return "not_combinable", {"other_campaign_id": clashing[-1].campaign_id}, clashing
    return None


@rule(HANDOUT_RECORDED)
def handout_limits(
    session: Session, device: DeviceRow, accepted: list[Accepted[HandoutRecorded]], key: ServerKey
) -> None:
    """The batch's handouts indexed in one statement, each checked against the person's
    standing handouts (read once per batch) and the batch's earlier ones, in order."""
    known, standing = _indexed(
        session,
        list({item.event.entity_id for item in accepted}),
        list({item.payload.member_id for item in accepted}),
    )
    new_rows: list[dict[str, Any]] = []
    checks: list[tuple[Accepted[HandoutRecorded], _Standing, list[_Standing]]] = []
    for item in accepted:
        handout = item.payload
        if item.event.entity_id in known:
            continue
        known.add(item.event.entity_id)
        this = _Standing(
            handout_id=item.event.entity_id,
            event_id=item.event.event_id,
            member_id=handout.member_id,
            campaign_id=handout.campaign_id,
            device_id=device.id,
            local_date=handout.local_date,
            server_seq=item.server_seq,
        )
        new_rows.append({**this.__dict__, "voided": False})
        person = standing[handout.member_id]
        person.append(this)
        # A lead's override waives the person's limits, unless all it overrode was the
        # desk's own stock (which the server does not judge).
        waived = handout.override is not None and handout.override.refusal != OUT_OF_STOCK
        if not waived and handout.limits is not None:
            checks.append((item, this, list(person)))
    bulk.write(session, [bulk.Upsert(HandoutIndexRow.__table__, new_rows)])  # type: ignore[arg-type]
    for item, this, person in checks:
        handout = item.payload
        assert handout.limits is not None
        broken = _broken(person, this, handout.limits)
        if broken is None:
            continue
        which, figures, clashing = broken
        elsewhere = [h for h in clashing if h.device_id != device.id]
        if not elsewhere:
            continue  # only this desk's own handouts: it knew them when it handed out
        other = elsewhere[-1]
        earlier = event_row(session, other.event_id)
        earlier_handout = stored_payload(earlier)
        assert isinstance(earlier_handout, HandoutRecorded)
        first = record_of(session, earlier, _summary(earlier_handout))
        second = record_of(session, event_row(session, item.event.event_id), _summary(handout))
        open_conflict(
            session,
            key,
            ConflictKind.HANDOUT_LIMIT,
            "|".join(sorted((other.handout_id, this.handout_id))),
            first,
            second,
            {
                "rule": which,
                **figures,
                "member_id": handout.member_id,
                "campaign_id": handout.campaign_id,
                "campaign_name": handout.campaign_name,
                "handouts": [other.handout_id, this.handout_id],
            },
        )


@rule(HANDOUT_VOIDED)
def handout_voided(
    session: Session, device: DeviceRow, accepted: list[Accepted[HandoutVoided]], key: ServerKey
) -> None:
    """A voided handout no longer counts against the person's limits."""
    for item in accepted:
        row = session.get(HandoutIndexRow, item.payload.handout_id)
        if row is not None:
            row.voided = True
    session.flush()
