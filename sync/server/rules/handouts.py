"""A handout beyond the campaign's limits, made at one desk while another desk (offline) had
already handed out to the same person: both are kept; one conflict names both.

Works from event payloads only: a handout event carries its campaign's limits
(``limits``: max_per_person, max_per_day, not_combinable_with). The desk checked its own
handouts and those it had pulled; only handouts from *other* desks make a conflict here. A
handout a station lead overrode at the desk was given knowingly and opens none.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import ConflictKind
from sync.server.models import DeviceRow, HandoutIndexRow
from sync.server.rules.engine import Accepted, event_row, open_conflict, record_of, rule


def _summary(payload: dict[str, Any]) -> dict[str, Any]:
    """What a desk shows of each handout (no personal data beyond the member number); ``name``
    is what the desks' conflict list shows first: here the campaign."""
    return {
        "name": payload.get("campaign_name", ""),
        "campaign_id": payload.get("campaign_id"),
        "campaign_name": payload.get("campaign_name", ""),
        "member_number": payload.get("member_number", ""),
        "items": payload.get("items", []),
        "desk": payload.get("desk", ""),
        "operator_name": payload.get("operator_name", ""),
        "local_date": payload.get("local_date", ""),
        "collector_number": payload.get("collector_number"),
    }


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _standing(session: Session, member_id: str, campaign_ids: list[str]) -> list[HandoutIndexRow]:
    query = (
        select(HandoutIndexRow)
        .where(
            HandoutIndexRow.member_id == member_id,
            HandoutIndexRow.campaign_id.in_(campaign_ids),
            HandoutIndexRow.voided.is_(False),
        )
        .order_by(HandoutIndexRow.server_seq)
    )
    return list(session.scalars(query))


def _broken(
    session: Session, this: HandoutIndexRow, limits: dict[str, Any]
) -> tuple[str, dict[str, Any], list[HandoutIndexRow]] | None:
    """The rule this handout breaks, its figures, and the other handouts it clashes with."""
    mine = [h for h in _standing(session, this.member_id, [this.campaign_id])]
    others = [h for h in mine if h.handout_id != this.handout_id]
    limit = _int(limits.get("max_per_person"))
    if limit is not None and len(mine) > limit:
        return "max_per_person", {"limit": limit, "count": len(mine)}, others
    day_limit = _int(limits.get("max_per_day"))
    same_day = [h for h in others if h.local_date == this.local_date]
    if day_limit is not None and len(same_day) + 1 > day_limit:
        return "max_per_day", {"limit": day_limit, "count": len(same_day) + 1}, same_day
    excluded = [c for c in limits.get("not_combinable_with") or [] if isinstance(c, str)]
    if excluded:
        clashing = _standing(session, this.member_id, excluded)
        if clashing:
            return "not_combinable", {"other_campaign_id": clashing[-1].campaign_id}, clashing
    return None


@rule("handout.recorded")
def handout_limits(session: Session, device: DeviceRow, accepted: list[Accepted]) -> None:
    for item in accepted:
        payload = item.event.payload
        member_id, campaign_id = payload.get("member_id"), payload.get("campaign_id")
        if not isinstance(member_id, str) or not isinstance(campaign_id, str):
            continue  # kept in the log as sent; nothing to check
        if session.get(HandoutIndexRow, item.event.entity_id) is not None:
            continue
        this = HandoutIndexRow(
            handout_id=item.event.entity_id,
            event_id=item.event.event_id,
            member_id=member_id,
            campaign_id=campaign_id,
            device_id=device.id,
            local_date=str(payload.get("local_date") or "")[:10],
            server_seq=item.server_seq,
            voided=False,
        )
        session.add(this)
        session.flush()
        limits = payload.get("limits")
        if payload.get("override") or not isinstance(limits, dict):
            continue
        broken = _broken(session, this, limits)
        if broken is None:
            continue
        which, figures, clashing = broken
        elsewhere = [h for h in clashing if h.device_id != device.id]
        if not elsewhere:
            continue  # only this desk's own handouts: it knew them when it handed out
        other = elsewhere[-1]
        earlier = event_row(session, other.event_id)
        first = record_of(session, earlier, _summary(json.loads(earlier.payload)))
        second = record_of(session, event_row(session, item.event.event_id), _summary(payload))
        open_conflict(
            session,
            ConflictKind.HANDOUT_LIMIT,
            "|".join(sorted((other.handout_id, this.handout_id))),
            first,
            second,
            {
                "rule": which,
                **figures,
                "member_id": member_id,
                "campaign_id": campaign_id,
                "campaign_name": payload.get("campaign_name", ""),
                "handouts": [other.handout_id, this.handout_id],
            },
        )


@rule("handout.voided")
def handout_voided(session: Session, device: DeviceRow, accepted: list[Accepted]) -> None:
    """A voided handout no longer counts against the person's limits."""
    for item in accepted:
        handout_id = item.event.payload.get("handout_id")
        row = session.get(HandoutIndexRow, handout_id) if isinstance(handout_id, str) else None
        if row is not None:
            row.voided = True
    session.flush()
